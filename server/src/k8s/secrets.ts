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
