// Heuristics for values that look like credentials.

const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY', 'PASSPHRASE']);
/** A name ending in one of these refers to a secret rather than holding it. */
const REFERENCE_SUFFIXES = new Set([
  'FILE', 'PATH', 'DIR', 'FILENAME', 'LOCATION', 'NAME', 'REF', 'KEYREF', 'ID', 'TTL', 'TIMEOUT', 'EXPIRY', 'EXPIRES',
  'EXPIRATION', 'LENGTH', 'LEN', 'SIZE', 'ENABLED', 'ENABLE', 'DISABLED', 'REQUIRED', 'TYPE', 'HEADER', 'ENDPOINT', 'URL',
  'URI', 'HOST', 'PORT', 'MOUNT', 'VERSION', 'FIELD', 'PARAM', 'PREFIX', 'ALGORITHM', 'ISSUER', 'AUDIENCE', 'USER', 'USERNAME',
  'POLICY', 'ROTATION', 'INTERVAL', 'MODE', 'FORMAT', 'ROUNDS', 'COST', 'COUNT', 'ITERATIONS', 'MIN', 'MAX', 'HASH',
  'STRENGTH', 'COMPLEXITY', 'ATTEMPTS', 'RETRIES',
]);

/** `MYSQL_RANDOM_ROOT_PASSWORD=1` asks for a generated password; it is not one. */
const FLAG_PREFIXES = ['RANDOM', 'ALLOW_EMPTY', 'GENERATE', 'SKIP', 'NO'];

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/** `SSH_KEY`, `STRIPE_KEY`: a word before `KEY` that makes the key a credential (not `CACHE_KEY`, `SSH_PUBLIC_KEY`). */
const KEY_QUALIFIERS = new Set([
  'API', 'PRIVATE', 'ACCESS', 'SECRET', 'ENCRYPTION', 'SIGNING', 'MASTER', 'SSH', 'TLS', 'SSL', 'SESSION', 'COOKIE', 'HMAC',
  'JWT', 'STRIPE',
]);

/** nginx's `proxy_pass`, `fastcgi_pass`, ... name an upstream, not a password. */
const UPSTREAM_DIRECTIVES = new Set(['PROXY', 'FASTCGI', 'UWSGI', 'SCGI', 'GRPC', 'MEMCACHED']);

/**
 * `DB_PASSWORD`, `PGPASSWORD`, `MYSQL_PWD`, `apiKey`, `AWS_SECRET_ACCESS_KEY`, `SSH_KEY`, `GITHUB_TOKEN`;
 * not `TOKEN_TTL`, `PASSWORD_FILE`, `PWD` (the working directory), `PROXY_PASS` or `PASS_THROUGH_HEADERS`.
 */
export function isSecretName(name: string): boolean {
  const w = words(name);
  if (w.length === 0) return false;
  if (REFERENCE_SUFFIXES.has(w[w.length - 1]!)) return false;
  if (w.some((word, i) => FLAG_PREFIXES.includes(word) || (word === 'EMPTY' && w[i - 1] === 'ALLOW'))) return false;
  // Trailing numbers (`DB_PASS_2`) do not change what the name holds.
  let last = w.length - 1;
  while (last > 0 && /^[0-9]+$/.test(w[last]!)) last--;
  for (let i = 0; i < w.length; i++) {
    const word = w[i]!;
    const prev = w[i - 1];
    if (word === 'PASS') {
      // `PASS` is a password only as the last word (`SMTP_PASS`), and not as nginx's `proxy_pass`.
      if (i === last && (prev === undefined || !UPSTREAM_DIRECTIVES.has(prev))) return true;
      continue;
    }
    if (SECRET_WORDS.has(word)) return true;
    // `PWD` alone is the shell's working directory; after another word (`MYSQL_PWD`) it is a password.
    if (word === 'PWD' && i > 0) return true;
    // Names glued together, as libpq and others spell them: `PGPASSWORD`.
    if (word.endsWith('PASSWORD') || word.endsWith('PASSWD')) return true;
    if (w[i + 1] === 'KEY' && KEY_QUALIFIERS.has(word)) return true;
  }
  return false;
}

const CREDENTIAL_PATTERNS: readonly [RegExp | ((value: string) => boolean), string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{30,}\b/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b/, 'a Stripe key'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JSON Web Token'],
  [(value) => hasUrlWithPassword(value), 'a URL with a password in it'],
  [/(?:^|;)\s*(?:Password|Pwd)\s*=\s*[^;\s$][^;]*/i, 'a connection string with a password in it'],
];

/** What kind of credential a value looks like, or undefined. */
export function credentialKind(value: string): string | undefined {
  for (const [test, kind] of CREDENTIAL_PATTERNS) {
    if (typeof test === 'function' ? test(value) : test.test(value)) return kind;
  }
  return undefined;
}

/** Letters, digits, `+`, `.` and `-`: what a URL scheme is made of. */
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
/** After `://`: a user without `:`, `/` or `@`, then `:password@` and a host. */
const USERINFO_WITH_PASSWORD = /[^\s:/@]*:([^\s@/]+)@\S/y;

/**
 * `scheme://user:password@host`, not `scheme://user:$(PASSWORD)@host` (the password comes from
 * elsewhere). Env values can be long: each `://` is found with indexOf and only the text around it
 * is matched, so the cost is linear in the length of the value (a single regex over the whole
 * value that looks for the scheme first is quadratic on text like `a.a.a.a…`).
 */
function hasUrlWithPassword(value: string): boolean {
  for (let at = value.indexOf('://'); at !== -1; at = value.indexOf('://', at + 3)) {
    if (!hasScheme(value, at)) continue;
    USERINFO_WITH_PASSWORD.lastIndex = at + 3;
    const m = USERINFO_WITH_PASSWORD.exec(value);
    if (m && !/^\$[({]/.test(m[1]!)) return true;
  }
  return false;
}

/**
 * Whether a scheme ends at `end`: a letter that starts a word, then scheme characters up to `end`.
 * The runs of scheme characters before two `://` never overlap (`:` and `/` end them), so all
 * calls together read the value once.
 */
function hasScheme(value: string, end: number): boolean {
  for (let i = end - 1; i >= 0 && SCHEME_CHAR.test(value[i]!); i--) {
    const c = value[i]!;
    if (/[A-Za-z]/.test(c) && (i === 0 || !/\w/.test(value[i - 1]!))) return true;
  }
  return false;
}

/** Values that are clearly not a secret: empty, booleans, references to other variables. */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (/^(?:true|false|yes|no|on|off|none|null|enabled|disabled)$/i.test(v)) return true;
  if (/^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(v) || /^\$\{[^}]+\}$/.test(v)) return true;
  // A file path names where the secret is mounted, not the secret (`/var/run/secrets/db/password`).
  if (/^\/[\w.@-]+(?:\/[\w.@-]+)*\/?$/.test(v)) return true;
  return false;
}

/** The words that, last in a name, say the name holds the secret itself (`db_password`, `client_secret`). */
const SECRET_LAST_WORDS = new Set([...SECRET_WORDS, 'PASS']);

/**
 * A stricter `isSecretName` for settings inside configuration files, where names are long and
 * descriptive: the secret word must be the last one (`spring.datasource.password`, `auth_token`,
 * `secretKey`), so `token_endpoint_auth_method` or `password_reset_hours` are not secrets.
 */
export function isSecretSettingName(name: string): boolean {
  if (!isSecretName(name)) return false;
  const w = words(name);
  let last = w.length - 1;
  while (last > 0 && /^[0-9]+$/.test(w[last]!)) last--;
  const word = w[last]!;
  if (SECRET_LAST_WORDS.has(word) || word.endsWith('PASSWORD') || word.endsWith('PASSWD')) return true;
  if (word === 'PWD') return last > 0;
  return word === 'KEY' && last > 0 && KEY_QUALIFIERS.has(w[last - 1]!);
}

/**
 * Whether a value is written out in the file, rather than filled in from elsewhere or a stand-in:
 * not empty, a boolean, a path, a variable (`${DB_PASSWORD}`, `$DB_PASSWORD`, `$(DB_PASSWORD)`,
 * `%(password)s`), a template (`{{ .Values.password }}`), a marked placeholder (`<changeme>`,
 * `<path:vault/data/db#password>`), a mask (`********`), an encrypted value (`ENC(...)`), or a
 * number or duration (`3600`, `15m`: what a misnamed setting such as `token_lifetime` holds).
 */
export function isLiteralSecret(value: string): boolean {
  const v = value.trim();
  if (isPlaceholderValue(v)) return false;
  if (/^\$[{(]?[A-Za-z_]/.test(v) || /%\([\w.-]+\)s/.test(v)) return false;
  const open = v.indexOf('{{');
  if (open >= 0 && v.indexOf('}}', open + 2) >= 0) return false;
  if (/^<[^<>]*>$/.test(v) || /^\*+$/.test(v) || /^ENC\(.*\)$/.test(v)) return false;
  if (/^-?\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y)?$/i.test(v)) return false;
  return true;
}

/**
 * The first setting in a configuration file's text (`.env`, properties, INI, YAML or JSON) whose
 * name says it holds a secret and whose value is written out: `DB_PASSWORD=s3cret`,
 * `spring.datasource.password = s3cret`, `password: s3cret`, `"apiKey": "s3cret"`. Comment lines
 * are skipped. Linear in the length of the text.
 */
export function secretSetting(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = ASSIGNMENT.exec(line);
    if (m) {
      const name = m[2]!;
      const value = settingValue(m[3]!);
      if (value !== undefined && isSecretSettingName(name) && isLiteralSecret(value)) return name;
    }
    // `{"user": "app", "password": "s3cret"}` on one line.
    if (line.includes('"')) {
      JSON_PAIR.lastIndex = 0;
      for (let j = JSON_PAIR.exec(line); j; j = JSON_PAIR.exec(line)) {
        if (isSecretSettingName(j[1]!) && isLiteralSecret(j[2]!)) return j[1]!;
      }
    }
  }
  return undefined;
}

/** `name = value`, `name: value`, `export NAME=value`, `- name: value`, `"name": value`. */
const ASSIGNMENT = /^[ \t]*(?:-[ \t]+)?(?:export[ \t]+)?(["']?)([A-Za-z_][\w.-]*)\1[ \t]*[:=][ \t]*(.*)$/;
const JSON_PAIR = /"([A-Za-z_][\w.-]*)"[ \t]*:[ \t]*"((?:[^"\\]|\\.)*)"/g;

/**
 * The value of a setting line without its quotes, trailing comment or comma; undefined when the
 * value opens a structure (`{`, `[`, a YAML block `|`, an anchor, alias or tag).
 */
function settingValue(raw: string): string | undefined {
  let v = raw.trim();
  if (v === '' || /^[{[|>&*!]/.test(v)) return undefined;
  const q = v[0];
  if (q === '"' || q === "'") {
    const close = v.indexOf(q, 1);
    return close > 0 ? v.slice(1, close) : v.slice(1);
  }
  const comment = /[ \t][#;]/.exec(v);
  if (comment) v = v.slice(0, comment.index);
  return v.replace(/,$/, '').trim();
}
