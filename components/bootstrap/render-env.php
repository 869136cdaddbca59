<?php
// Renders Magento's app/etc/env.php from the region's SSM parameters and secrets.
//
// Usage: php render-env.php <input-dir>
//   <input-dir>/parameters.json   output of `aws ssm get-parameters-by-path --recursive`
//   <input-dir>/prefix            the parameter path, e.g. /magento-dr/prod-use1/
//   <input-dir>/secret-db.json    `aws secretsmanager get-secret-value` of the database secret
//   <input-dir>/secret-cache.json                                   ... of the Redis AUTH token
//   <input-dir>/secret-search.json                                  ... of the OpenSearch user
//   <input-dir>/secret-crypt.json                                   ... of Magento's crypt key
//   <input-dir>/current-env.php   optional: the env.php in place, whose other keys are kept
//   <input-dir>/session-module-ready  optional: the DynamoDB session module is enabled in Magento
//   <input-dir>/allowed-endpoints.json   {"<parameter>": ["<host>", ...]}: the only endpoints the
//                                 stack created (written by the launch template, root-owned)
// Prints the PHP file on stdout; exits non-zero, printing nothing, when an input is missing (1) or
// an endpoint parameter names a host the stack did not create (3), so a half-rendered or
// redirected env.php can never replace a working one.
// The current env.php is parsed (env-literal.php), never included: it is writable by whoever
// owns the Magento tree, and this runs as root.
// var_export() writes every value, so a password with quotes or backslashes cannot break the file.
// Only the keys this platform owns (endpoints, credentials, crypt key) are replaced; everything
// else `setup:install` or an operator wrote (install date, cache types, queue...) is kept.

require __DIR__ . '/env-literal.php';

function fail(string $message, int $status = 1): void
{
    fwrite(STDERR, "render-env: $message\n");
    exit($status);
}

function readJson(string $file): array
{
    if (!is_readable($file)) {
        fail("missing input $file");
    }
    $decoded = json_decode(file_get_contents($file), true);
    if (!is_array($decoded)) {
        fail("$file is not JSON");
    }
    return $decoded;
}

function secretValue(string $dir, string $name): string
{
    $secret = readJson("$dir/secret-$name.json");
    if (!isset($secret['SecretString']) || $secret['SecretString'] === '') {
        fail("secret $name has no SecretString");
    }
    return $secret['SecretString'];
}

// Where Magento keeps sessions (docs/sessions.md): `sessions/store` is "dynamodb" (the region's
// own replica of the global table, through the MagentoDr_DynamoDbSession module) or "redis"; no
// parameter means Redis, as before the choice existed. The Redis settings stay in both cases: the
// module is absent until the bootstrap has installed it (`session-module-ready` in the inputs), and
// Redis is then the store.
function sessionStore(array $parameters, string $prefix, bool $moduleReady, array $redis): array
{
    $store = $parameters['sessions/store'] ?? 'redis';
    if (!in_array($store, ['dynamodb', 'redis'], true)) {
        fail("parameter {$prefix}sessions/store is \"$store\": expected dynamodb or redis");
    }
    $session = ['save' => 'redis'] + $redis;
    if ($store === 'redis' || !$moduleReady) {
        return $session;
    }
    $dynamodb = [];
    foreach (['table' => 'table_name', 'region' => 'region', 'ttl-attribute' => 'session_lifetime_attribute',
        'key-prefix' => 'key_prefix'] as $name => $setting) {
        if (!isset($parameters["sessions/$name"]) || $parameters["sessions/$name"] === '') {
            fail("parameter {$prefix}sessions/$name is missing");
        }
        $dynamodb[$setting] = $parameters["sessions/$name"];
    }
    // The state table's key schema (components/sessions.ts): one item per session.
    $dynamodb += ['hash_key' => 'pk', 'range_key' => 'sk', 'range_key_value' => 'session',
        'min_lifetime' => '60', 'max_lifetime' => '2592000'];
    return ['save' => 'dynamodb', 'dynamodb' => $dynamodb] + $redis;
}

if ($argc !== 2 || !is_dir($argv[1])) {
    fail('usage: php render-env.php <input-dir>');
}
$dir = $argv[1];
$prefix = trim((string) @file_get_contents("$dir/prefix"));
if ($prefix === '') {
    fail("missing input $dir/prefix");
}

$parameters = [];
foreach (readJson("$dir/parameters.json")['Parameters'] ?? [] as $parameter) {
    if (str_starts_with($parameter['Name'], $prefix)) {
        $parameters[substr($parameter['Name'], strlen($prefix))] = $parameter['Value'];
    }
}
$required = [
    'db/writer-host', 'db/reader-host', 'db/name', 'cache/primary-host', 'cache/reader-host',
    'cache/port', 'search/endpoint', 'app/base-url', 'active-region', 'epoch',
];
foreach ($required as $name) {
    if (!isset($parameters[$name]) || $parameters[$name] === '') {
        fail("parameter $prefix$name is missing");
    }
}

// One SSM write must not be able to send the fleet's credentials elsewhere: every endpoint is
// checked against the hosts the stack itself created before any secret is put next to it.
$allowed = readJson("$dir/allowed-endpoints.json");
foreach (['db/writer-host', 'db/reader-host', 'cache/primary-host', 'cache/reader-host', 'search/endpoint'] as $name) {
    $hosts = array_map('strtolower', array_filter((array) ($allowed[$name] ?? []), 'is_string'));
    // The promotion's cache fallback (functions/region/steps/cache.ts, CACHE_FALLBACK_HOST) names
    // no host at all: Magento then caches locally, so no credential can leave the instance.
    if ($name === 'cache/primary-host' && $parameters[$name] === 'local') {
        continue;
    }
    if (!in_array(strtolower($parameters[$name]), $hosts, true)) {
        fail('endpoint-rejected ' . json_encode(['parameter' => $prefix . $name, 'value' => substr($parameters[$name], 0, 256)], JSON_UNESCAPED_SLASHES), 3);
    }
}
if (!preg_match('/^[0-9]{1,5}$/', $parameters['cache/port'])) {
    fail("endpoint-rejected parameter {$prefix}cache/port is not a port number", 3);
}

$db = json_decode(secretValue($dir, 'db'), true);
if (!is_array($db) || !isset($db['username'], $db['password'])) {
    fail('the database secret must hold {"username", "password"}');
}
$search = json_decode(secretValue($dir, 'search'), true);
if (!is_array($search) || !isset($search['username'], $search['password'])) {
    fail('the search secret must hold {"username", "password"}');
}
$redisPassword = secretValue($dir, 'cache');
$cryptKey = secretValue($dir, 'crypt');

// The PDO constants' values depend on how PHP was built; take them from the PHP that renders
// (the instance's own, with pdo_mysql); mysqlnd's values when the extension is not loaded.
$sslCa = defined('PDO::MYSQL_ATTR_SSL_CA') ? constant('PDO::MYSQL_ATTR_SSL_CA') : 1009;
$sslVerify = defined('PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT')
    ? constant('PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT') : 1014;

$connection = fn (string $host) => [
    'host' => $host,
    'dbname' => $parameters['db/name'],
    'username' => $db['username'],
    'password' => $db['password'],
    'model' => 'mysql4',
    'engine' => 'innodb',
    'initStatements' => 'SET NAMES utf8mb4;',
    'active' => '1',
    'driver_options' => [
        // RDS enforces TLS (require_secure_transport); verify against the RDS CA bundle.
        $sslCa => '/etc/pki/rds/global-bundle.pem',
        $sslVerify => true,
    ],
];
$redis = fn (string $database) => [
    'server' => 'tls://' . $parameters['cache/primary-host'],
    'port' => $parameters['cache/port'],
    'database' => $database,
    'password' => $redisPassword,
    'compress_data' => '1',
    'compression_lib' => 'gzip',
    // Reads never go to the replica: after an in-region failover the old primary becomes one.
    'load_from_slave' => '',
];

$current = [];
if (is_readable("$dir/current-env.php")) {
    try {
        $current = EnvLiteral::parse(file_get_contents("$dir/current-env.php"));
    } catch (UnexpectedValueException $e) {
        fail('the current env.php is not plain data (' . $e->getMessage() . '); not rendering over it');
    }
}

// What Magento needs and `setup:install` would write, for an instance that has none of it yet.
$cacheTypes = [
    'config', 'layout', 'block_html', 'collections', 'reflection', 'db_ddl', 'compiled_config',
    'eav', 'customer_notification', 'config_integration', 'config_integration_api',
    'graphql_query_resolver_result', 'full_page', 'config_webservice', 'translate',
];
$defaults = [
    'backend' => ['frontName' => $parameters['app/admin-path'] ?? 'admin'],
    'install' => ['date' => gmdate('D, d M Y H:i:s +0000', 0)],
    'cache_types' => array_fill_keys($cacheTypes, 1),
    'directories' => ['document_root_is_pub' => true],
    'queue' => ['consumers_wait_for_messages' => 1],
    'downloadable_domains' => [parse_url($parameters['app/base-url'], PHP_URL_HOST)],
];

$managed = [
    'crypt' => ['key' => $cryptKey],
    'db' => [
        'table_prefix' => '',
        'connection' => ['default' => $connection($parameters['db/writer-host'])],
        'slave_connection' => ['default' => $connection($parameters['db/reader-host'])],
    ],
    'resource' => ['default_setup' => ['connection' => 'default']],
    'x-frame-options' => 'SAMEORIGIN',
    'MAGE_MODE' => 'production',
    'session' => sessionStore($parameters, $prefix, is_file("$dir/session-module-ready"), [
        'redis' => [
            'host' => 'tls://' . $parameters['cache/primary-host'],
            'port' => $parameters['cache/port'],
            'password' => $redisPassword,
            'timeout' => '2.5',
            'database' => '2',
            'compression_threshold' => '2048',
            'compression_library' => 'gzip',
            'max_concurrency' => '6',
            'break_after_frontend' => '5',
            'break_after_adminhtml' => '30',
            'disable_locking' => '0',
            'min_lifetime' => '60',
            'max_lifetime' => '2592000',
        ],
    ]),
    'cache' => [
        'frontend' => [
            'default' => [
                'id_prefix' => 'mdr_',
                'backend' => 'Magento\\Framework\\Cache\\Backend\\Redis',
                'backend_options' => $redis('0'),
            ],
            'page_cache' => [
                'id_prefix' => 'mdr_',
                'backend' => 'Magento\\Framework\\Cache\\Backend\\Redis',
                'backend_options' => $redis('1'),
            ],
        ],
        'allow_parallel_generation' => false,
    ],
    'lock' => ['provider' => 'db'],
    'system' => [
        'default' => [
            'web' => [
                'unsecure' => ['base_url' => $parameters['app/base-url']],
                'secure' => ['base_url' => $parameters['app/base-url'], 'use_in_frontend' => '1', 'use_in_adminhtml' => '1'],
            ],
            'catalog' => [
                'search' => [
                    'engine' => 'opensearch',
                    'opensearch_server_hostname' => 'https://' . $parameters['search/endpoint'],
                    'opensearch_server_port' => '443',
                    'opensearch_enable_auth' => '1',
                    'opensearch_username' => $search['username'],
                    'opensearch_password' => $search['password'],
                    'opensearch_server_timeout' => '15',
                ],
            ],
        ],
    ],
    // Not read by Magento: lets an operator see which endpoints and epoch an instance runs with.
    'magento_dr' => [
        'active_region' => $parameters['active-region'],
        'epoch' => $parameters['epoch'],
    ],
];

if ($parameters['cache/primary-host'] === 'local') { // cache fallback
    $managed['cache'] = ['frontend' => []];
    if ($managed['session']['save'] === 'redis') {
        $managed['session'] = ['save' => 'db'];
    }
}
$env = $current + $defaults;
foreach ($managed as $key => $value) {
    $env[$key] = $key === 'system' ? array_replace_recursive($env['system'] ?? [], $value) : $value;
}

echo "<?php\n// Rendered by magento-dr from SSM parameters under $prefix; do not edit by hand.\nreturn ",
    var_export($env, true), ";\n";
