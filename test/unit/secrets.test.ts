// Credential heuristics: names and values that look like secrets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialKind, isSecretName } from '../../server/src/k8s/secrets.ts';

const URL_WITH_PASSWORD = 'a URL with a password in it';

describe('credentialKind', () => {
  it('finds a URL with a password, and not one whose password comes from another variable', () => {
    assert.equal(credentialKind('postgres://api:s3cr3t@db.shop.svc:5432/shop'), URL_WITH_PASSWORD);
    assert.equal(credentialKind('redis://:hunter2@cache:6379/0'), URL_WITH_PASSWORD);
    assert.equal(credentialKind('see git+ssh://git:pw@example.com/repo'), URL_WITH_PASSWORD);
    assert.equal(credentialKind('postgres://api:$(DB_PASSWORD)@db:5432/shop'), undefined);
    assert.equal(credentialKind('postgres://api:${DB_PASSWORD}@db:5432/shop'), undefined);
    assert.equal(credentialKind('redis://redis.shop.svc:6379/0'), undefined);
    assert.equal(credentialKind('http://example.com/a:b@c'), undefined);
    assert.equal(credentialKind('://user:pw@host'), undefined, 'no scheme');
    assert.equal(credentialKind('1a://user:pw@host'), undefined, 'a scheme starts with a letter at the start of a word');
  });

  it('still finds the one real password when another URL in the value takes it from a variable', () => {
    assert.equal(credentialKind('primary=mysql://a:$(PW)@db1 replica=mysql://b:plain@db2'), URL_WITH_PASSWORD);
  });

  // The single regex this replaced was quadratic (7.5 s on 80 KB of `a.a.a…`, 20 s on 200 KB).
  // Timings are too noisy to assert: the test checks the answers on 200 KB values, and a slow
  // implementation shows up as a slow test run.
  it('reads 200 KB values that look almost like URLs', () => {
    const n = 100_000;
    assert.equal(credentialKind('a.'.repeat(n)), undefined);
    assert.equal(credentialKind('a.'.repeat(n) + '://'), undefined);
    assert.equal(credentialKind('a.'.repeat(n) + '://user:pw@host'), URL_WITH_PASSWORD);
    assert.equal(credentialKind('1'.repeat(2 * n) + '://user:pw@host'), undefined);
    assert.equal(credentialKind('a://'.repeat(n / 2)), undefined);
    assert.equal(credentialKind('a://b:'.repeat(n / 3)), undefined);
    assert.equal(credentialKind('x://' + 'u'.repeat(2 * n) + ':' + 'p'.repeat(2 * n)), undefined);
  });
});

describe('isSecretName', () => {
  it('flags names that hold a password or key, glued or abbreviated', () => {
    for (const name of [
      'DB_PASSWORD', 'PGPASSWORD', 'MYSQL_PWD', 'SMTP_PASS', 'DB_PASS_2', 'apiKey', 'AWS_SECRET_ACCESS_KEY', 'SSH_KEY', 'TLS_KEY',
      'SESSION_KEY', 'STRIPE_KEY', 'GITHUB_TOKEN',
    ]) {
      assert.equal(isSecretName(name), true, name);
    }
  });

  it('does not flag names that point at a secret, describe it, or only contain PASS or PWD', () => {
    for (const name of [
      'PWD', 'OLDPWD', 'PROXY_PASS', 'FASTCGI_PASS', 'PASS_THROUGH_HEADERS', 'PGPASSFILE', 'TOKEN_TTL', 'PASSWORD_FILE',
      'SSH_PUBLIC_KEY', 'SSH_KEY_PATH', 'CACHE_KEY', 'STRIPE_PUBLISHABLE_KEY', 'MYSQL_RANDOM_ROOT_PASSWORD', 'COMPASS_URL', 'BYPASS',
    ]) {
      assert.equal(isSecretName(name), false, name);
    }
  });
});
