<?php
declare(strict_types=1);

namespace MagentoDr\DynamoDbSession\Model;

use Aws\DynamoDb\DynamoDbClient;
use Aws\DynamoDb\SessionHandler as SdkSessionHandler;
use Aws\DynamoDb\StandardSessionConnection;
use Magento\Framework\App\Area;
use Magento\Framework\App\Config\ScopeConfigInterface;
use Magento\Framework\App\DeploymentConfig;
use Magento\Framework\App\State;
use Magento\Framework\Exception\SessionException;
use Magento\Framework\Phrase;
use Magento\Framework\Session\SaveHandlerInterface;

/**
 * `'session' => ['save' => 'dynamodb', 'dynamodb' => [...]]` in env.php: Magento's sessions in the
 * region's own replica of the DynamoDB global table, through the AWS SDK for PHP's session handler
 * (Magento ships the SDK with its AWS S3 module). Settings come from env.php, which magento-dr
 * renders from the region's SSM parameters; see docs/sessions.md for the choices (no locking, TTL
 * instead of garbage collection, last writer wins across regions).
 */
class SaveHandler implements SaveHandlerInterface
{
    /** Where the settings are in env.php. */
    public const CONFIG_PATH = 'session/dynamodb';

    /** Magento's own lifetimes, the ones its Redis session handler uses too. */
    private const ADMIN_LIFETIME_PATH = 'admin/security/session_lifetime';
    private const COOKIE_LIFETIME_PATH = 'web/cookie/cookie_lifetime';
    /** Magento's default cookie lifetime, for a browser-session cookie (lifetime 0). */
    private const DEFAULT_LIFETIME = 3600;

    private SdkSessionHandler $handler;

    /** The SDK options this handler was built with (for operators and tests). */
    private array $options;

    public function __construct(
        DeploymentConfig $deploymentConfig,
        ScopeConfigInterface $scopeConfig,
        State $appState
    ) {
        $settings = $deploymentConfig->get(self::CONFIG_PATH);
        if (!is_array($settings)) {
            throw $this->error('env.php has no session/dynamodb settings');
        }
        foreach (['table_name', 'region', 'hash_key', 'range_key', 'range_key_value', 'key_prefix',
            'session_lifetime_attribute'] as $name) {
            if (!isset($settings[$name]) || !is_string($settings[$name]) || $settings[$name] === '') {
                throw $this->error("env.php session/dynamodb/$name is missing");
            }
        }
        // session_lifetime_attribute (the table's TTL attribute) and binary data arrived with the
        // SDK's SessionConnectionConfigTrait; an older SDK would write the expiry where TTL never
        // looks, so it is refused rather than silently filling the table.
        if (!method_exists(StandardSessionConnection::class, 'getSessionLifetimeAttribute')) {
            throw $this->error('aws/aws-sdk-php has no session_lifetime_attribute option; upgrade it');
        }

        $this->options = [
            'table_name' => $settings['table_name'],
            'hash_key' => $settings['hash_key'],
            'data_attribute' => 'data',
            // Binary: DynamoDB strings must be UTF-8, a serialized session need not be.
            'data_attribute_type' => 'binary',
            'session_lifetime' => $this->lifetime($scopeConfig, $appState, $settings),
            'session_lifetime_attribute' => $settings['session_lifetime_attribute'],
            // Strongly consistent within the region: a request right after a login sees it.
            'consistent_read' => true,
            'locking' => false,
        ];
        $client = new DynamoDbClient([
            'region' => $settings['region'],
            'version' => '2012-08-10',
            // A session read is on every request's path: fail fast rather than hang PHP-FPM.
            'http' => [
                'connect_timeout' => (float) ($settings['connect_timeout'] ?? 1),
                'timeout' => (float) ($settings['timeout'] ?? 3),
            ],
            'retries' => (int) ($settings['retries'] ?? 2),
        ]);
        $this->handler = new SdkSessionHandler(new SessionConnection(
            $client,
            $this->options,
            $settings['key_prefix'],
            $settings['range_key'],
            $settings['range_key_value']
        ));
    }

    /** @return array<string, mixed> */
    public function options(): array
    {
        return $this->options;
    }

    /**
     * Seconds an idle session lives, as Magento's Redis handler decides it
     * (Magento\Framework\Session\SaveHandler\Redis\Config::getLifetime()): the admin session
     * lifetime in the admin area, the cookie lifetime elsewhere; within [min, max]_lifetime.
     */
    private function lifetime(ScopeConfigInterface $scopeConfig, State $appState, array $settings): int
    {
        try {
            $admin = $appState->getAreaCode() === Area::AREA_ADMINHTML;
        } catch (\Throwable $e) {
            $admin = false; // no area yet (CLI, early bootstrap): the storefront's lifetime
        }
        $lifetime = (int) $scopeConfig->getValue(
            $admin ? self::ADMIN_LIFETIME_PATH : self::COOKIE_LIFETIME_PATH,
            $admin ? ScopeConfigInterface::SCOPE_TYPE_DEFAULT : 'store'
        );
        if ($lifetime <= 0) {
            $lifetime = self::DEFAULT_LIFETIME;
        }
        $min = (int) ($settings['min_lifetime'] ?? 60);
        $max = (int) ($settings['max_lifetime'] ?? 2592000);
        return max($min, min($max, $lifetime));
    }

    private function error(string $message): SessionException
    {
        return new SessionException(new Phrase('DynamoDB session store: %1', [$message]));
    }

    #[\ReturnTypeWillChange]
    public function open($savePath, $name)
    {
        return $this->handler->open($savePath, $name);
    }

    #[\ReturnTypeWillChange]
    public function close()
    {
        return $this->handler->close();
    }

    #[\ReturnTypeWillChange]
    public function read($id)
    {
        return $this->handler->read($id);
    }

    #[\ReturnTypeWillChange]
    public function write($id, $data)
    {
        return $this->handler->write($id, $data);
    }

    #[\ReturnTypeWillChange]
    public function destroy($id)
    {
        return $this->handler->destroy($id);
    }

    /** Expired sessions are deleted by the table's TTL; the SDK's gc() does nothing either. */
    #[\ReturnTypeWillChange]
    public function gc($maxLifetime)
    {
        return $this->handler->gc($maxLifetime);
    }
}
