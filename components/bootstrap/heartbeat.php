<?php
// The RPO heartbeat (docs/rpo.md): one row per region in Magento's database, moved forward every
// few seconds by the instances of the region whose database takes writes. The standby's replica
// receives the row with everything else, so the newest beat it holds says up to when its data is
// complete: the promotion reads it (functions/heartbeat/) and records the loss window.
//
//   php heartbeat.php <dir> <region> <writer>    writes one beat
//
// <dir> holds a root-only copy (mode 0600) of the env.php magento-dr last rendered: the beat signs
// in exactly as Magento does (writer host, Magento's user, TLS against the RDS CA bundle, which
// RDS requires), and a beat every 5 s needs no AWS call. It skips, successfully, when the
// database is read-only: a replica (RDS sets read_only on a read replica) must never be written,
// and the standby's instances run this timer too.
// Exit status: 0 written or skipped, 1 bad usage or input, 2 the database refused or is unreachable.

function fail(int $code, string $message): void
{
    fwrite(STDERR, "heartbeat: $message\n");
    exit($code);
}

[, $dir, $region, $writer] = $argc === 4 ? $argv : fail(1, 'usage: heartbeat.php dir region writer');
// Our own rendering (var_export of plain values, in a root-only directory), not the web tree's.
$c = (@include "$dir/env.php")['db']['connection']['default'] ?? fail(1, "no database in $dir/env.php");
[$host, $port] = array_pad(explode(':', $c['host'], 2), 2, 3306);
try {
    // Connect timeout 3 s; reads are bounded by mysqlnd.net_read_timeout (magento-dr sets it)
    // and the whole run by timeout(1).
    $db = new PDO("mysql:host=$host;port=$port;dbname={$c['dbname']}", $c['username'], $c['password'],
        [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 3] + $c['driver_options']);
    // An RDS read replica has read_only = 1 ("Updating read replicas with MySQL", RDS User
    // Guide); super_read_only ON sets read_only ON (MySQL WL#6799), and MariaDB has read_only
    // alone. Were a replica made writable, a standby instance would beat its own region's row,
    // never the region whose beats the promotion reads.
    $db->query('SELECT @@global.read_only')->fetchColumn() && exit("skipped: read-only\n");
    // DATETIME(6) in UTC from the database's own clock (UTC_TIMESTAMP): one clock per database,
    // and the replica carries the value the source wrote (the statement's start time, which
    // replication preserves). Created on first use, so no migration has to run first. Many
    // instances beat the same row: GREATEST keeps it from moving back.
    $db->exec('CREATE TABLE IF NOT EXISTS magento_dr_heartbeat (region VARCHAR(32) PRIMARY KEY,
        beat_at DATETIME(6) NOT NULL, writer VARCHAR(128) NOT NULL)');
    $db->prepare('INSERT INTO magento_dr_heartbeat VALUES (?, UTC_TIMESTAMP(6), ?) ON DUPLICATE KEY
        UPDATE beat_at = GREATEST(beat_at, UTC_TIMESTAMP(6)), writer = VALUES(writer)')
        ->execute([$region, $writer]);
    echo "beat: $region\n";
} catch (PDOException $e) {
    fail(2, $e->getMessage());
}
