<?php
// The session module's wiring, run for real against test doubles (doubles.php): it registers
// itself, builds the SDK's handler from the settings in a rendered env.php, and stores sessions
// under the table's key schema with the TTL attribute.
//
// Usage: php wiring.php <rendered env.php> <module dir>
// Prints one line per check; exits 1 at the first failure.

declare(strict_types=1);

use Aws\DynamoDb\DynamoDbClient;
use Magento\Framework\App\Area;
use Magento\Framework\App\Config\ScopeConfig;
use Magento\Framework\App\DeploymentConfig;
use Magento\Framework\App\State;
use Magento\Framework\Component\ComponentRegistrar;
use Magento\Framework\Exception\SessionException;
use MagentoDr\DynamoDbSession\Model\SaveHandler;

[$script, $envFile, $moduleDir] = $argv + [null, null, null];
require __DIR__ . '/doubles.php';
require $moduleDir . '/registration.php';
require $moduleDir . '/Model/SessionConnection.php';
require $moduleDir . '/Model/SaveHandler.php';

function check(string $what, bool $ok, $found = null): void
{
    if (!$ok) {
        fwrite(STDERR, "FAILED: $what" . ($found === null ? '' : ' (found ' . json_encode($found) . ')') . "\n");
        exit(1);
    }
    echo "ok - $what\n";
}

function handler(array $env, ?string $area = Area::AREA_FRONTEND, array $lifetimes = []): SaveHandler
{
    return new SaveHandler(
        new DeploymentConfig($env),
        new ScopeConfig($lifetimes + [
            'web/cookie/cookie_lifetime' => '7200',
            'admin/security/session_lifetime' => '900',
        ]),
        new State($area)
    );
}

function lastClient(): DynamoDbClient
{
    return DynamoDbClient::$clients[count(DynamoDbClient::$clients) - 1];
}

$env = require $envFile;
$settings = $env['session']['dynamodb'];

check('registers MagentoDr_DynamoDbSession from its own directory', ComponentRegistrar::$registered === [
    [ComponentRegistrar::MODULE, 'MagentoDr_DynamoDbSession', $moduleDir],
], ComponentRegistrar::$registered);
check('env.php selects the dynamodb save handler', $env['session']['save'] === 'dynamodb', $env['session']['save']);

// A storefront request.
$session = handler($env);
$client = lastClient();
check('the client talks to the region named in env.php', $client->args['region'] === $settings['region'], $client->args);
check('the client fails fast (1 s connect, 3 s request, 2 retries)',
    $client->args['http'] === ['connect_timeout' => 1.0, 'timeout' => 3.0] && $client->args['retries'] === 2,
    $client->args);
$options = $session->options();
check('the SDK is given the table, its hash key and its TTL attribute from env.php',
    $options['table_name'] === $settings['table_name'] && $options['hash_key'] === $settings['hash_key']
    && $options['session_lifetime_attribute'] === $settings['session_lifetime_attribute'], $options);
check('no locking, strongly consistent reads, binary data',
    $options['locking'] === false && $options['consistent_read'] === true
    && $options['data_attribute_type'] === 'binary', $options);
check('a storefront session lives as long as the cookie', $options['session_lifetime'] === 7200, $options);

check('open', $session->open('', 'PHPSESSID') === true);
check('a new session reads empty', $session->read('abc123') === '');
[$operation, $params] = $client->calls[0];
$key = [
    $settings['hash_key'] => ['S' => $settings['key_prefix'] . 'PHPSESSID_abc123'],
    $settings['range_key'] => ['S' => $settings['range_key_value']],
];
check('reads with GetItem on the session item key (prefix, sort key), consistently',
    $operation === 'GetItem' && $params['Key'] === $key && $params['ConsistentRead'] === true
    && $params['TableName'] === $settings['table_name'], $client->calls[0]);

$before = time();
check('writes a session', $session->write('abc123', "customer_id|i:42;\xff") === true);
[$operation, $params] = $client->calls[1];
$item = $client->items[json_encode([$settings['hash_key'] => $key[$settings['hash_key']], $settings['range_key'] => $key[$settings['range_key']]])] ?? null;
check('with UpdateItem (no PutItem), the data as binary',
    $operation === 'UpdateItem' && ($item['data'] ?? null) === ['B' => "customer_id|i:42;\xff"], $client->calls[1]);
$expires = (int) ($item[$settings['session_lifetime_attribute']]['N'] ?? 0);
check('and its expiry, in epoch seconds, in the TTL attribute',
    $expires >= $before + 7200 && $expires <= time() + 7200, $item);
check('close after a write makes no further call', $session->close() === true && count($client->calls) === 2);

// The next request, on another instance: a new handler and a new client on the same table.
$next = handler($env);
lastClient()->items = $client->items;
$next->open('', 'PHPSESSID');
check('the next request reads the session back', $next->read('abc123') === "customer_id|i:42;\xff");
$next->write('abc123', "customer_id|i:42;\xff");
[, $params] = lastClient()->calls[1];
check('an unchanged session only extends its expiry, leaving the data to concurrent writers',
    array_keys($params['AttributeUpdates']) === [$settings['session_lifetime_attribute'], 'lock'], $params);
check('destroy deletes the item', $next->destroy('abc123') === true && lastClient()->calls[2][0] === 'DeleteItem'
    && lastClient()->items === []);
$calls = count(lastClient()->calls);
check('gc leaves expiry to the table TTL: no call', $next->gc(1440) === true && count(lastClient()->calls) === $calls);

// The admin area, and a browser-session cookie.
$admin = handler($env, Area::AREA_ADMINHTML);
check('an admin session lives as long as Magento\'s admin session lifetime', $admin->options()['session_lifetime'] === 900);
$browser = handler($env, null, ['web/cookie/cookie_lifetime' => '0']);
check('a browser-session cookie gets Magento\'s default hour', $browser->options()['session_lifetime'] === 3600);
$long = handler($env, Area::AREA_FRONTEND, ['web/cookie/cookie_lifetime' => '99999999']);
check('never longer than max_lifetime', $long->options()['session_lifetime'] === (int) $settings['max_lifetime']);

// DynamoDB unreachable: Magento's SaveHandler falls back on a SessionException.
$failing = handler($env);
$failing->open('', 'PHPSESSID');
DynamoDbClient::$failing = true;
check('an unreadable session reads empty (the SDK\'s behaviour)', $failing->read('abc123') === '');
try {
    $failing->write('abc123', 'x');
    check('a failed write raises SessionException', false);
} catch (SessionException $e) {
    check('a failed write raises SessionException', str_contains($e->getMessage(), 'Service unavailable'), $e->getMessage());
}
DynamoDbClient::$failing = false;

// Settings missing from env.php: refused by name.
$broken = $env;
unset($broken['session']['dynamodb']['region']);
try {
    handler($broken);
    check('a missing setting is refused', false);
} catch (SessionException $e) {
    check('a missing setting is refused by name', str_contains($e->getMessage(), 'session/dynamodb/region'), $e->getMessage());
}
echo "all checks passed\n";
