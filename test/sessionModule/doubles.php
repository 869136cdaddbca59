<?php
// Test doubles for what the session module uses but this machine has no copy of: the few Magento
// framework types it names, and the AWS SDK for PHP's DynamoDB session classes (the SDK is not
// installable here). The SDK doubles behave as aws/aws-sdk-php's own classes do (src/DynamoDb/
// SessionHandler.php, StandardSessionConnection.php, SessionConnectionConfigTrait.php, 3.x with
// session_lifetime_attribute): same constructors, option names, extension points and calls. The
// client double is a DynamoDB table in memory that, like DynamoDB, refuses a key that does not
// match the table's key schema and an item action on another table, and records every call.

namespace Magento\Framework {
    class Phrase
    {
        public function __construct(private string $text, private array $arguments = [])
        {
        }

        public function render(): string
        {
            $text = $this->text;
            foreach ($this->arguments as $i => $argument) {
                $text = str_replace('%' . ($i + 1), (string) $argument, $text);
            }
            return $text;
        }
    }
}

namespace Magento\Framework\Component {
    class ComponentRegistrar
    {
        public const MODULE = 'module';
        public static array $registered = [];

        public static function register($type, $componentName, $path)
        {
            self::$registered[] = [$type, $componentName, $path];
        }
    }
}

namespace Magento\Framework\Exception {
    class SessionException extends \Exception
    {
        public function __construct(\Magento\Framework\Phrase $phrase)
        {
            parent::__construct($phrase->render());
        }
    }
}

namespace Magento\Framework\Session {
    interface SaveHandlerInterface extends \SessionHandlerInterface
    {
        public const DEFAULT_HANDLER = 'files';
    }
}

namespace Magento\Framework\App {
    class Area
    {
        public const AREA_FRONTEND = 'frontend';
        public const AREA_ADMINHTML = 'adminhtml';
    }

    /** Reads env.php by path (`session/dynamodb`), as Magento's DeploymentConfig does. */
    class DeploymentConfig
    {
        public function __construct(private array $env)
        {
        }

        public function get($path, $default = null)
        {
            $value = $this->env;
            foreach (explode('/', $path) as $part) {
                if (!is_array($value) || !array_key_exists($part, $value)) {
                    return $default;
                }
                $value = $value[$part];
            }
            return $value;
        }
    }

    class State
    {
        public function __construct(private ?string $area)
        {
        }

        public function getAreaCode()
        {
            if ($this->area === null) {
                throw new \RuntimeException('Area code is not set');
            }
            return $this->area;
        }
    }
}

namespace Magento\Framework\App\Config {
    interface ScopeConfigInterface
    {
        public const SCOPE_TYPE_DEFAULT = 'default';

        public function getValue($path, $scopeType = self::SCOPE_TYPE_DEFAULT, $scopeCode = null);
    }

    class ScopeConfig implements ScopeConfigInterface
    {
        public array $asked = [];

        public function __construct(private array $values)
        {
        }

        public function getValue($path, $scopeType = self::SCOPE_TYPE_DEFAULT, $scopeCode = null)
        {
            $this->asked[] = [$path, $scopeType];
            return $this->values[$path] ?? null;
        }
    }
}

namespace Aws\DynamoDb\Exception {
    class DynamoDbException extends \RuntimeException
    {
        public function __construct(string $message, private string $awsCode)
        {
            parent::__construct($message);
        }

        public function getAwsErrorCode(): string
        {
            return $this->awsCode;
        }
    }
}

namespace Aws\DynamoDb {
    use Aws\DynamoDb\Exception\DynamoDbException;

    class DynamoDbClient
    {
        /** @var DynamoDbClient[] every client built, newest last */
        public static array $clients = [];
        /** Key schema and name of the table the double serves. */
        public static array $schema = ['pk', 'sk'];
        public static string $table = 'magento-dr-state';
        public static bool $failing = false;

        public array $calls = [];
        public array $items = [];

        public function __construct(public array $args)
        {
            self::$clients[] = $this;
        }

        private function itemKey(string $operation, array $params): string
        {
            $this->calls[] = [$operation, $params];
            if (self::$failing) {
                throw new DynamoDbException('Service unavailable', 'ServiceUnavailable');
            }
            if (($params['TableName'] ?? null) !== self::$table) {
                throw new DynamoDbException('Requested resource not found', 'ResourceNotFoundException');
            }
            $key = $params['Key'] ?? [];
            $names = array_keys($key);
            sort($names);
            $schema = self::$schema;
            sort($schema);
            if ($names !== $schema) {
                throw new DynamoDbException(
                    'The provided key element does not match the schema',
                    'ValidationException'
                );
            }
            ksort($key);
            return json_encode($key);
        }

        public function getItem(array $params)
        {
            $id = $this->itemKey('GetItem', $params);
            $result = ['@metadata' => ['statusCode' => 200]];
            return isset($this->items[$id]) ? $result + ['Item' => $this->items[$id]] : $result;
        }

        public function updateItem(array $params)
        {
            $id = $this->itemKey('UpdateItem', $params);
            $item = $this->items[$id] ?? $params['Key'];
            foreach ($params['AttributeUpdates'] as $name => $update) {
                if (($update['Action'] ?? 'PUT') === 'DELETE') {
                    unset($item[$name]);
                } else {
                    $item[$name] = $update['Value'];
                }
            }
            $this->items[$id] = $item;
            return ['@metadata' => ['statusCode' => 200]]; // an Aws\Result: always truthy
        }

        public function deleteItem(array $params)
        {
            $id = $this->itemKey('DeleteItem', $params);
            unset($this->items[$id]);
            return ['@metadata' => ['statusCode' => 200]];
        }
    }

    interface SessionConnectionInterface
    {
        public function read($id);

        public function write($id, $data, $isChanged);

        public function delete($id);

        public function deleteExpired();
    }

    class StandardSessionConnection implements SessionConnectionInterface
    {
        protected $client;
        private array $config;

        public function __construct(DynamoDbClient $client, array $config = [])
        {
            $this->client = $client;
            $this->config = $config + [
                'table_name' => 'sessions',
                'hash_key' => 'id',
                'data_attribute' => 'data',
                'data_attribute_type' => 'string',
                'session_lifetime' => (int) ini_get('session.gc_maxlifetime'),
                'session_lifetime_attribute' => 'expires',
                'consistent_read' => true,
            ];
        }

        public function getHashKey()
        {
            return $this->config['hash_key'];
        }

        public function getDataAttribute()
        {
            return $this->config['data_attribute'];
        }

        public function getSessionLifetimeAttribute()
        {
            return $this->config['session_lifetime_attribute'];
        }

        public function read($id)
        {
            $item = [];
            try {
                $result = $this->client->getItem([
                    'TableName' => $this->config['table_name'],
                    'Key' => $this->formatKey($id),
                    'ConsistentRead' => (bool) $this->config['consistent_read'],
                ]);
                foreach ($result['Item'] ?? [] as $name => $value) {
                    $item[$name] = current($value);
                }
            } catch (DynamoDbException $e) {
                // The SDK reads a failure as "no session".
            }
            return $item;
        }

        public function write($id, $data, $isChanged)
        {
            $attributes = [
                $this->getSessionLifetimeAttribute() => [
                    'Value' => ['N' => (string) (time() + $this->config['session_lifetime'])],
                ],
                'lock' => ['Action' => 'DELETE'],
            ];
            if ($isChanged) {
                $type = $this->config['data_attribute_type'] === 'binary' ? 'B' : 'S';
                $attributes[$this->getDataAttribute()] = $data != ''
                    ? ['Value' => [$type => $data]]
                    : ['Action' => 'DELETE'];
            }
            try {
                return (bool) $this->client->updateItem([
                    'TableName' => $this->config['table_name'],
                    'Key' => $this->formatKey($id),
                    'AttributeUpdates' => $attributes,
                ]);
            } catch (DynamoDbException $e) {
                return $this->triggerError("Error writing session $id: {$e->getMessage()}");
            }
        }

        public function delete($id)
        {
            try {
                return (bool) $this->client->deleteItem([
                    'TableName' => $this->config['table_name'],
                    'Key' => $this->formatKey($id),
                ]);
            } catch (DynamoDbException $e) {
                return $this->triggerError("Error deleting session $id: {$e->getMessage()}");
            }
        }

        public function deleteExpired()
        {
            throw new \LogicException('the module must never garbage-collect by Scan');
        }

        protected function formatKey($key)
        {
            return [$this->getHashKey() => ['S' => $key]];
        }

        protected function triggerError($error)
        {
            trigger_error($error, E_USER_WARNING);
            return false;
        }
    }

    class SessionHandler implements \SessionHandlerInterface
    {
        private $sessionName;
        private $openSessionId = '';
        private $dataRead = '';
        private $sessionWritten = false;

        public function __construct(private SessionConnectionInterface $connection)
        {
        }

        #[\ReturnTypeWillChange]
        public function open($savePath, $sessionName)
        {
            $this->sessionName = $sessionName;
            return true;
        }

        #[\ReturnTypeWillChange]
        public function close()
        {
            if (!$this->sessionWritten) {
                $this->sessionWritten = (bool) $this->connection->write(
                    $this->formatId($this->openSessionId),
                    '',
                    false
                );
            }
            return $this->sessionWritten;
        }

        #[\ReturnTypeWillChange]
        public function read($id)
        {
            $this->openSessionId = $id;
            $this->dataRead = '';
            $item = $this->connection->read($this->formatId($id));
            $data = $this->connection->getDataAttribute();
            $expires = $this->connection->getSessionLifetimeAttribute();
            if (isset($item[$expires], $item[$data])) {
                $this->dataRead = $item[$data];
                if ($item[$expires] <= time()) {
                    $this->dataRead = '';
                    $this->destroy($id);
                }
            }
            return $this->dataRead;
        }

        #[\ReturnTypeWillChange]
        public function write($id, $data)
        {
            $changed = $id !== $this->openSessionId || $data !== $this->dataRead;
            $this->openSessionId = $id;
            $this->sessionWritten = $this->connection->write($this->formatId($id), $data, $changed);
            return $this->sessionWritten;
        }

        #[\ReturnTypeWillChange]
        public function destroy($id)
        {
            $this->openSessionId = $id;
            $this->sessionWritten = $this->connection->delete($this->formatId($id));
            return $this->sessionWritten;
        }

        #[\ReturnTypeWillChange]
        public function gc($maxLifetime)
        {
            return true; // the SDK's garbage collection is a separate, manual Scan
        }

        private function formatId($id)
        {
            return trim($this->sessionName . '_' . $id, '_');
        }
    }
}
