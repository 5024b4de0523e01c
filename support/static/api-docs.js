// Swagger UI at /api/docs over the app's schema; a file rather than an inline script, so the page keeps the strict CSP.
window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null, // no badge from the public validator: the portal makes no outside requests
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
