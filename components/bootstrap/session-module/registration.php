<?php
// magento-dr: Magento sessions in the region's replica of the DynamoDB global table.
use Magento\Framework\Component\ComponentRegistrar;

ComponentRegistrar::register(ComponentRegistrar::MODULE, 'MagentoDr_DynamoDbSession', __DIR__);
