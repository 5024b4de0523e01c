"""The mail settings, checked at start-up: each problem names its setting and says what is expected."""

from __future__ import annotations

import pytest

from support.errors import SettingsError
from support.settings import load_settings


@pytest.mark.parametrize(("overrides", "message"), [
    ({"mail_from": "support"}, "PORTAL_MAIL_FROM: expected an address such as 'Support <support@example.com>' (got 'support')"),
    ({"smtp_host": "mail.plant.example"}, "PORTAL_MAIL_FROM: set PORTAL_MAIL_FROM to the portal's own address when PORTAL_SMTP_HOST is set"),
    ({"smtp_host": "mail.plant.example", "mail_from": "s@plant.example", "smtp_security": "none", "smtp_username": "u",
      "smtp_password": "p"}, "PORTAL_SMTP_SECURITY: 'none' would send PORTAL_SMTP_PASSWORD in clear to a remote server; use starttls or ssl"),
    ({"smtp_username": "u"}, "PORTAL_SMTP_USERNAME: set both PORTAL_SMTP_USERNAME and PORTAL_SMTP_PASSWORD, or neither"),
    ({"smtp_security": "tls"}, "PORTAL_SMTP_SECURITY: Input should be 'none', 'starttls' or 'ssl' (got 'tls')"),
    ({"smtp_port": 70000}, "PORTAL_SMTP_PORT: Input should be less than or equal to 65535 (got 70000)"),
])
def test_a_bad_mail_setting_stops_the_start_naming_it(overrides: dict, message: str) -> None:
    """Each mistake is one line naming the setting."""
    with pytest.raises(SettingsError) as raised:
        load_settings(**overrides)
    assert message in str(raised.value)


def test_the_port_follows_the_security_unless_set() -> None:
    """25 for none, 587 for STARTTLS, 465 for SSL; a set port wins; with no host mail goes to <data dir>/mail."""
    assert [load_settings(smtp_security=s).smtp_port_or_default for s in ("none", "starttls", "ssl")] == [25, 587, 465]
    assert load_settings(smtp_port=2525).smtp_port_or_default == 2525
    assert load_settings(data_dir="/srv/portal").mail_dir.as_posix() == "/srv/portal/mail"
