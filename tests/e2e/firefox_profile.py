"""A quiet, fast, offline Firefox ESR test profile: ``user.js`` preferences
that route every non-loopback host to the local site server through a PAC."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path


def proxy_autoconfig_url(site_port: int) -> str:
    """A PAC (as a data: URL) sending every non-loopback host to the site server."""
    pac = (
        "function FindProxyForURL(url, host) {"
        " if (host == 'localhost' || host == '127.0.0.1' || host == '[::1]') return 'DIRECT';"
        f" return 'PROXY 127.0.0.1:{site_port}';"
        " }"
    )
    return "data:text/javascript," + urllib.parse.quote(pac)


def profile_prefs(marionette_port: int, site_port: int) -> dict[str, object]:
    """Preferences for a quiet, fast, offline test profile."""
    return {
        "marionette.port": marionette_port,
        # Route test hostnames to the local site server.
        "network.proxy.type": 2,
        "network.proxy.autoconfig_url": proxy_autoconfig_url(site_port),
        "network.proxy.socks_remote_dns": False,
        "network.trr.mode": 5,
        # Test sites are plain http.
        "dom.security.https_first": False,
        "dom.security.https_first_schemeless": False,
        "dom.security.https_only_mode": False,
        "browser.fixup.alternate.enabled": False,
        # MV3 host permissions are optional in Firefox; grant them at install
        # as a person accepting the install prompt would.
        "extensions.originControls.grantByDefault": True,
        # The shipped xpi is unsigned in tests; ESR honours this pref, which
        # lets a permanent (restart-surviving) install happen.
        "xpinstall.signatures.required": False,
        "extensions.autoDisableScopes": 0,
        "extensions.enabledScopes": 5,
        "extensions.installDistroAddons": False,
        "extensions.update.enabled": False,
        "extensions.update.autoUpdateDefault": False,
        "extensions.getAddons.cache.enabled": False,
        "extensions.systemAddon.update.enabled": False,
        "extensions.blocklist.enabled": False,
        "extensions.pocket.enabled": False,
        "extensions.formautofill.addresses.enabled": False,
        "extensions.formautofill.creditCards.enabled": False,
        "extensions.getAddons.discovery.api_url": "data:, ",
        "browser.discovery.enabled": False,
        # First run, welcome pages, default-browser nag, session restore.
        "browser.shell.checkDefaultBrowser": False,
        "browser.startup.page": 0,
        "browser.startup.homepage": "about:blank",
        "browser.startup.homepage_override.mstone": "ignore",
        "startup.homepage_welcome_url": "about:blank",
        "startup.homepage_welcome_url.additional": "",
        "browser.aboutwelcome.enabled": False,
        "browser.preonboarding.enabled": False,
        "termsofuse.bypassNotification": True,
        "trailhead.firstrun.didSeeAboutWelcome": True,
        "browser.sessionstore.resume_from_crash": False,
        "browser.tabs.warnOnClose": False,
        "browser.warnOnQuit": False,
        "toolkit.startup.max_resumed_crashes": -1,
        "browser.newtabpage.enabled": False,
        "browser.newtabpage.activity-stream.testing.shouldInitializeFeeds": False,
        "browser.newtabpage.activity-stream.showSponsoredTopSites": False,
        "browser.topsites.contile.enabled": False,
        "browser.pagethumbnails.capturing_disabled": True,
        "browser.uitour.enabled": False,
        "browser.ml.enable": False,
        "browser.translations.enable": False,
        "browser.backup.enabled": False,
        "identity.fxaccounts.enabled": False,
        "signon.rememberSignons": False,
        # Telemetry, studies, updates, remote settings, captive portal.
        "datareporting.policy.dataSubmissionEnabled": False,
        "datareporting.policy.dataSubmissionPolicyBypassNotification": True,
        "datareporting.healthreport.uploadEnabled": False,
        "datareporting.usage.uploadEnabled": False,
        "toolkit.telemetry.enabled": False,
        "toolkit.telemetry.unified": False,
        "toolkit.telemetry.archive.enabled": False,
        "toolkit.telemetry.server": "",
        "app.normandy.enabled": False,
        "app.normandy.api_url": "",
        "app.shield.optoutstudies.enabled": False,
        "app.update.disabledForTesting": True,
        "app.update.auto": False,
        "app.update.checkInstallTime": False,
        "services.settings.server": "data:,#remote-settings-dummy/v1",
        "network.captive-portal-service.enabled": False,
        "network.connectivity-service.enabled": False,
        "network.dns.disablePrefetch": True,
        "network.prefetch-next": False,
        "network.predictor.enabled": False,
        "network.http.speculative-parallel-limit": 0,
        "browser.safebrowsing.malware.enabled": False,
        "browser.safebrowsing.phishing.enabled": False,
        "browser.safebrowsing.downloads.enabled": False,
        "browser.safebrowsing.blockedURIs.enabled": False,
        "browser.safebrowsing.update.enabled": False,
        "browser.search.update": False,
        "browser.region.network.url": "",
        "browser.urlbar.suggest.searches": False,
        "geo.provider.network.url": "",
        "media.gmp-manager.updateEnabled": False,
        "general.useragent.updates.enabled": False,
        "dom.push.connection.enabled": False,
        "idle.lastDailyNotification": -1,
        "privacy.trackingprotection.enabled": False,
        "security.remote_settings.intermediates.enabled": False,
        # Keep going on a loaded machine: no hang dialogs, no slow-script prompts.
        "dom.ipc.reportProcessHangs": False,
        "dom.max_script_run_time": 0,
        "dom.max_chrome_script_run_time": 0,
        # Extension console output reaches firefox.log, which helps when a test fails.
        "devtools.console.stdout.content": True,
        "messaging-system.rsexperimentloader.enabled": False,
        "browser.chrome.site_icons": False,
        "devtools.console.stdout.chrome": True,
        "browser.dom.window.dump.enabled": True,
    }


def write_user_js(profile_dir: Path, prefs: dict[str, object]) -> Path:
    profile_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"user_pref({json.dumps(name)}, {json.dumps(value)});" for name, value in prefs.items()]
    path = profile_dir / "user.js"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
