# syntax=docker/dockerfile:1
# The portal in a container (docs/deployment.md): the site is built in the first stage, the second holds only the
# installed packages, the built site and the quiz and role sources, and runs as an unprivileged user.
# docker build -t portal . && docker run -p 8000:8000 -e PORTAL_SECRET_KEY=... -v portal-data:/var/lib/portal portal

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true
WORKDIR /src
COPY pyproject.toml README.md ./
COPY generator generator
COPY support support
RUN python -m venv /opt/portal && /opt/portal/bin/pip install .
COPY mkdocs.yml ./
COPY content content
COPY quizzes quizzes
RUN /opt/portal/bin/portal build . --site-dir /srv/portal/site

FROM python:3.11-slim AS run
RUN groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --home-dir /var/lib/portal --create-home --shell /usr/sbin/nologin portal
COPY --from=build /opt/portal /opt/portal
COPY --from=build /srv/portal/site /srv/portal/site
COPY --from=build /src/quizzes /srv/portal/quizzes
COPY --from=build /src/content/roles /srv/portal/content/roles
ENV PORTAL_ENVIRONMENT=production PORTAL_DATA_DIR=/var/lib/portal PORTAL_SITE_DIR=/srv/portal/site PORTAL_PORTAL_DIR=/srv/portal \
    PYTHONUNBUFFERED=1
USER portal
WORKDIR /var/lib/portal
VOLUME /var/lib/portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["/opt/portal/bin/python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["/opt/portal/bin/portal", "backend", "--host", "0.0.0.0", "--port", "8000"]
