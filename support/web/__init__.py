"""The web layer every domain's routes share: dependencies (``deps``), page rendering (``pages``), security headers, the access log, charts."""
