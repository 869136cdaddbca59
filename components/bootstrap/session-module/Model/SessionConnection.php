<?php
declare(strict_types=1);

namespace MagentoDr\DynamoDbSession\Model;

use Aws\DynamoDb\DynamoDbClient;
use Aws\DynamoDb\StandardSessionConnection;
use Magento\Framework\Exception\SessionException;
use Magento\Framework\Phrase;

/**
 * The AWS SDK for PHP's session connection (GetItem, UpdateItem, DeleteItem; no locking) on the
 * platform's state table, whose key is a partition key and a sort key: the SDK's own connection
 * addresses items by a hash key only, through its `formatKey()` extension point, which is all
 * this class changes. Sessions get a partition key under a prefix, so the instance role can be
 * limited to them (`dynamodb:LeadingKeys`), and the sort key's one value.
 */
class SessionConnection extends StandardSessionConnection
{
    /**
     * @param array<string, mixed> $config the SDK's session options (table_name, hash_key, ...)
     */
    public function __construct(
        DynamoDbClient $client,
        array $config,
        private readonly string $keyPrefix,
        private readonly string $rangeKey,
        private readonly string $rangeValue
    ) {
        parent::__construct($client, $config);
    }

    /**
     * @param string $key the SDK's session id, `<session name>_<id>`
     * @return array<string, array<string, string>>
     */
    protected function formatKey($key)
    {
        $formatted = parent::formatKey($this->keyPrefix . $key);
        $formatted[$this->rangeKey] = ['S' => $this->rangeValue];
        return $formatted;
    }

    /**
     * The SDK reports a failed write or delete as a PHP warning; Magento's error handler would turn
     * that into an exception in the middle of session_write_close(). A SessionException instead is
     * what Magento's SaveHandler expects of a failing store: it falls back to its default handler
     * for this request, and the next request tries DynamoDB again (as with Redis unreachable).
     *
     * @param string $error
     * @return bool
     */
    protected function triggerError($error)
    {
        throw new SessionException(new Phrase('DynamoDB session store: %1', [$error]));
    }
}
