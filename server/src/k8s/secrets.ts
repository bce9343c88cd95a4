// Heuristics for values that look like credentials.

const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'SECRET', 'TOKEN', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY', 'PASSPHRASE']);
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

/** `DB_PASSWORD`, `apiKey`, `AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`; not `TOKEN_TTL` or `PASSWORD_FILE`. */
export function isSecretName(name: string): boolean {
  const w = words(name);
  if (w.length === 0) return false;
  if (REFERENCE_SUFFIXES.has(w[w.length - 1]!)) return false;
  if (w.some((word, i) => FLAG_PREFIXES.includes(word) || (word === 'EMPTY' && w[i - 1] === 'ALLOW'))) return false;
  for (let i = 0; i < w.length; i++) {
    const word = w[i]!;
    if (SECRET_WORDS.has(word)) return true;
    const next = w[i + 1];
    if (next === 'KEY' && (word === 'API' || word === 'PRIVATE' || word === 'ACCESS' || word === 'SECRET' || word === 'ENCRYPTION' || word === 'SIGNING' || word === 'MASTER')) return true;
  }
  return false;
}

const CREDENTIAL_PATTERNS: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{30,}\b/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b/, 'a Stripe key'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JSON Web Token'],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:[^\s@/]+@[^\s]+/i, 'a URL with a password in it'],
  [/(?:^|;)\s*(?:Password|Pwd)\s*=\s*[^;\s$][^;]*/i, 'a connection string with a password in it'],
];

/** What kind of credential a value looks like, or undefined. */
export function credentialKind(value: string): string | undefined {
  for (const [re, kind] of CREDENTIAL_PATTERNS) {
    if (!re.test(value)) continue;
    // `scheme://user:$(PASSWORD)@host` takes the password from elsewhere.
    if (kind === 'a URL with a password in it' && /:\/\/[^\s:/@]*:\$[({]/.test(value)) continue;
    return kind;
  }
  return undefined;
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
