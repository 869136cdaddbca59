#!/usr/bin/env bash
# magento-dr: keeps one Magento instance in line with its region's SSM parameters.
#
#   magento-dr boot   first boot: mount the media file system, install the endpoint watcher, sync
#   magento-dr sync   render app/etc/env.php from the parameters; when it changed, reload PHP-FPM;
#                     run Magento cron only in the active region; maintenance mode when fenced
#   magento-dr install-session-module   install and enable the DynamoDB session module (boot does)
#   magento-dr heartbeat   one RPO heartbeat into the region's database (its timer: every 5 s)
#   magento-dr install-health-server    write nginx's health server on HEALTH_PORT (boot does)
#
# Settings come from /etc/magento-dr.env (written by the launch template's user data), or from the
# file named by MAGENTO_DR_ENV: PROJECT STACK REGION PARAM_PATH MAGENTO_ROOT MAGENTO_USER
# FILE_SYSTEM_ID ACCESS_POINT_ID RENDERER ENDPOINT_ALLOWLIST METRIC_NAMESPACE, and optionally
# AUTHORITY_TABLE, AUTHORITY_REGION, SESSION_MODULE_SRC (the DynamoDB session module's files,
# installed into Magento at boot), HEALTH_PORT and NGINX_CONF_DIR.
#
# This runs as root over a tree the web server user may write (app/etc, var): it never executes
# what is there, never reads or writes through a symlink there, and writes env.php only by
# creating a fresh file and renaming it into place.
set -euo pipefail

# shellcheck source=/dev/null
source "${MAGENTO_DR_ENV:-/etc/magento-dr.env}"
: "${PROJECT:?} ${STACK:?} ${REGION:?} ${PARAM_PATH:?} ${MAGENTO_ROOT:?} ${MAGENTO_USER:?} ${RENDERER:?}"
: "${ENDPOINT_ALLOWLIST:?} ${METRIC_NAMESPACE:?}"
# Amazon Linux 2023 has no cron daemon: Magento's cron is a systemd timer, switched per role.
STATE_DIR="${STATE_DIR:-/var/lib/magento-dr}"
CRON_MARKER="$STATE_DIR/magento-cron-enabled"
# Outside the web-writable tree (root's, readable by nginx): see health_conf.
NAMED_ACTIVE="$STATE_DIR/named-active"
SESSION_MODULE=MagentoDr_DynamoDbSession
SESSION_MODULE_DIR="$MAGENTO_ROOT/app/code/MagentoDr/DynamoDbSession"
HEARTBEAT="$(dirname "$RENDERER")/heartbeat.php"
HEARTBEAT_DIR="$STATE_DIR/heartbeat"
# The health server's PHP script (health_conf): root's, outside Magento's tree.
APP_PING="${DR_LIB_DIR:-/usr/local/lib/magento-dr}/app-ping.php"

# Every AWS CLI call is bounded: a blackholed endpoint must not stall the watcher (the AWS CLI's
# default socket timeouts are 60 s each, per retry).
aws() { command aws --cli-connect-timeout 5 --cli-read-timeout 10 "$@"; }

log() {
  printf '{"component":"magento-dr","stack":"%s","event":"%s","detail":"%s"}\n' "$STACK" "$1" "${2:-}" >&2
}

param() {
  aws ssm get-parameter --region "$REGION" --name "${PARAM_PATH}$1" --query Parameter.Value --output text
}

secret_to() {
  aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" --output json >"$2"
}

# The serving lease (functions/region/authority.ts): the active region's fence renews it in the
# authority table; this instance takes writes only while it has confirmed, from the table, that
# its region holds it. The expiry confirmed last is kept here, so an instance cut off from the
# authority stops on its own when it runs out (fail CLOSED), which is what lets the standby
# promote after that expiry without two writers. It stops SERVING_MARGIN_MS early for clock skew
# (the promoter in turn waits SERVING_SKEW_MS past it).
SERVING_FILE="$STATE_DIR/serving-until"
SERVING_MARGIN_MS="${SERVING_MARGIN_MS:-5000}"

now_ms() {
  date +%s%3N
}

# True while the last confirmed serving lease of this region has not run out.
serving_confirmed() {
  local until
  until="$(cat "$SERVING_FILE" 2>/dev/null)" || return 1
  [[ "$until" =~ ^[0-9]+$ ]] && (($(now_ms) + SERVING_MARGIN_MS < until))
}

# The region this instance should treat as active. The authority table (in the authority region)
# wins over the local parameter, so an old primary that comes back after a failover sees that it
# was replaced even though its own region's parameters still name it. One consistent read gives
# the active region and the serving lease together.
active_region() {
  local local_active line authority serving until
  if [[ -n "${AUTHORITY_TABLE:-}" ]]; then
    if line="$(aws dynamodb get-item --region "${AUTHORITY_REGION:?}" --table-name "$AUTHORITY_TABLE" \
      --key '{"pk":{"S":"authority"}}' --consistent-read \
      --query '[Item.activeRegion.S, Item.servingRegion.S, Item.servingExpiresAt.N]' \
      --output text 2>/dev/null)"; then
      read -r authority serving until <<<"$line"
      if [[ -n "$authority" && "$authority" != "None" ]]; then
        if [[ "$authority" == "$REGION" && "$serving" == "$REGION" && "$until" =~ ^[0-9]+$ ]]; then
          printf '%s' "$until" >"$SERVING_FILE"
        else
          rm -f "$SERVING_FILE"
        fi
        printf '%s' "$authority"
        return
      fi
    fi
    log authority-unreadable "using the local parameter; serving only until the confirmed lease runs out"
  fi
  local_active="$(param active-region)"
  printf '%s' "$local_active"
}

# Takes writes only when active, not fenced by the maintenance parameter and, where an authority
# table is configured, holding a confirmed serving lease.
may_serve() {
  local active="$1" maintenance="$2"
  [[ "$active" == "$REGION" && "$maintenance" != "on" ]] || return 1
  [[ -z "${AUTHORITY_TABLE:-}" ]] || serving_confirmed
}

# An instance metric (namespace METRIC_NAMESPACE, dimension Stack) that an alarm pages on.
count_metric() {
  aws cloudwatch put-metric-data --region "$REGION" --namespace "$METRIC_NAMESPACE" \
    --metric-name "$1" --dimensions "Stack=$STACK" --value 1 --unit Count ||
    log metric-unpublished "$1"
}

# Copies a file of the web-writable tree without following a symlink (dd's O_NOFOLLOW) and only
# if it is a regular file of sane size (a FIFO would hang the watcher, a huge file fill the disk).
read_untrusted() {
  local source="$1" copy="$2"
  [[ -f "$source" && ! -L "$source" ]] || return 1
  [[ "$(stat -c %s -- "$source")" -le 1048576 ]] || return 1
  dd if="$source" of="$copy" iflag=nofollow status=none
}

# Renders env.php into place. Returns 0 when it changed, 1 when it is unchanged, 2 when any input
# could not be read or the result is not valid PHP, 3 when an endpoint parameter names a host the
# stack did not create: the working env.php is then left as it was.
# (Every step checks its own status: `set -e` does not apply inside a function called by `if`.)
render() {
  local work status=2 code=0 target="$MAGENTO_ROOT/app/etc/env.php" staged
  work="$(mktemp -d)" || return 2
  render_into "$work" || code=$?
  if ((code == 0)); then
    if [[ -f "$work/current-env.php" ]] && cmp -s "$work/env.php" "$work/current-env.php"; then
      status=1
    # install(1) creates the file afresh (unlinking whatever has the name) and sets owner and mode
    # on what it opened; mv renames, replacing a symlink at the target instead of following it.
    elif staged="$(mktemp -u "$target.XXXXXXXX")" &&
      install -m 0640 -o root -g "$MAGENTO_USER" "$work/env.php" "$staged" &&
      mv -fT "$staged" "$target"; then
      status=0
    fi
  elif ((code == 3)); then
    status=3
  fi
  rm -rf "$work"
  return "$status"
}

render_into() {
  local work="$1" arn name code=0
  printf '%s' "$PARAM_PATH" >"$work/prefix" || return 1
  cp "$ENDPOINT_ALLOWLIST" "$work/allowed-endpoints.json" || return 1
  if [[ -e "$MAGENTO_ROOT/app/etc/env.php" || -L "$MAGENTO_ROOT/app/etc/env.php" ]]; then
    read_untrusted "$MAGENTO_ROOT/app/etc/env.php" "$work/current-env.php" || {
      log env-unreadable "app/etc/env.php is not a plain file: not rendering over it"
      return 1
    }
  fi
  aws ssm get-parameters-by-path --region "$REGION" --path "$PARAM_PATH" --recursive \
    --with-decryption --output json >"$work/parameters.json" || return 1
  for name in db:db/secret-arn cache:cache/auth-secret-arn search:search/secret-arn \
    crypt:app/crypt-key-secret-arn; do
    arn="$(param "${name#*:}")" || return 1
    secret_to "$arn" "$work/secret-${name%%:*}.json" || return 1
  done
  if session_module_ready; then touch "$work/session-module-ready" || return 1; fi
  # The renderer's own message (naming the parameter) goes to stderr as it is.
  php "$RENDERER" "$work" >"$work/env.php" || code=$?
  ((code == 0)) || return "$code"
  # An empty file is valid PHP: require the rendered array, not just valid syntax.
  [[ -s "$work/env.php" ]] && php -l "$work/env.php" >/dev/null || return 1
  # The heartbeat signs in as Magento does (a root-only copy), with no AWS call every 5 s.
  if ! install -d -m 0700 "$HEARTBEAT_DIR" ||
    ! install -m 0600 "$work/env.php" "$HEARTBEAT_DIR/"; then
    log heartbeat-login-failed "kept the previous one"
  fi
}

# One RPO heartbeat (heartbeat.php; docs/rpo.md): written where the database takes writes,
# skipped on a read-only replica. Bounded (connect 3 s, reads 3 s, the whole run 8 s): a database
# that does not answer costs one failed beat, and systemd never starts the next one on top.
heartbeat() {
  [[ -f "$HEARTBEAT_DIR/env.php" ]] || return 0
  # A line every 5 s would drown the journal: only failures are logged (heartbeat.php's stderr).
  timeout 8 php -d mysqlnd.net_read_timeout=3 "$HEARTBEAT" "$HEARTBEAT_DIR" "$REGION" \
    "$(hostname)" >/dev/null
}

# Serves only when this region is the active one and the fence has not put it in maintenance
# (the `maintenance` parameter: "on" while fenced, "off" once promoted; absent means "off").
set_role() {
  local active="$1" maintenance="$2" flag="$MAGENTO_ROOT/var/.maintenance.flag"
  # For the health server's serving path: this region is the one named active.
  if [[ "$active" == "$REGION" ]]; then : >"$NAMED_ACTIVE"; else rm -f "$NAMED_ACTIVE"; fi
  if may_serve "$active" "$maintenance"; then
    if [[ -f "$flag" ]]; then
      rm -f "$flag"
      log maintenance-off "$REGION is active"
    fi
    if [[ ! -f "$CRON_MARKER" ]]; then
      systemctl enable --now magento-cron.timer && touch "$CRON_MARKER"
      log cron-on "$REGION is active"
    fi
  else
    if [[ -f "$CRON_MARKER" ]]; then
      systemctl disable --now magento-cron.timer && rm -f "$CRON_MARKER"
      log cron-off "active region is $active"
    fi
    if [[ ! -f "$flag" || -L "$flag" ]]; then
      # var/ belongs to the web server: never create the flag through a symlink planted there
      # (noclobber opens with O_EXCL, which refuses any existing name, a dangling link included).
      rm -f -- "$flag"
      (set -o noclobber && : >"$flag") || return 1
      log maintenance-on "fenced: active region is $active, maintenance parameter is $maintenance, serving lease $(cat "$SERVING_FILE" 2>/dev/null || echo none)"
    fi
  fi
}

# A promotion that found the search indices missing or empty asks for a reindex: the search step
# sets search/reindex-requested to its lease epoch (docs/search.md). Once per value, and only where
# Magento serves, mark the search indexer invalid; Magento's cron (indexer_reindex_all_invalid,
# active region only) rebuilds it. A failed reset is retried on the next sync.
reset_search_if_requested() {
  local requested done_file="$STATE_DIR/search-reset-done"
  requested="$(param search/reindex-requested 2>/dev/null)" || return 0
  [[ -n "$requested" && "$requested" != "0" ]] || return 0
  [[ "$(cat "$done_file" 2>/dev/null)" != "$requested" ]] || return 0
  if systemctl start magento-search-reset.service; then
    printf '%s' "$requested" >"$done_file"
    log search-reset "catalogsearch_fulltext marked invalid for request $requested"
  else
    log search-reset-failed "indexer:reset failed; retried on the next sync"
  fi
}

# The role is changed only on what was read: a failed read keeps the instance as it is (it
# neither fences a healthy region nor unfences a fenced one); the next run tries again. Except
# the serving lease: once it can no longer be confirmed, the instance fences itself (fail CLOSED).
sync() {
  local status=0 active maintenance
  mkdir -p "$STATE_DIR"
  render || status=$?
  case "$status" in
    0)
      systemctl reload-or-restart php-fpm
      log env-rendered "epoch $(param epoch)"
      ;;
    1) ;;
    3)
      log endpoint-rejected "an endpoint parameter names a host this stack did not create: kept the previous env.php"
      count_metric EndpointRejected
      ;;
    *) log render-failed "kept the previous env.php" ;;
  esac
  if ! active="$(active_region)" || [[ -z "$active" ]]; then
    fail_closed_or_keep "active region unreadable"
    return 1
  fi
  if ! maintenance="$(param maintenance 2>&1)"; then
    if [[ "$maintenance" != *ParameterNotFound* ]]; then
      fail_closed_or_keep "maintenance parameter unreadable"
      return 1
    fi
    maintenance="off"
  fi
  set_role "$active" "$maintenance"
  if [[ "$active" == "$REGION" && "$maintenance" != "on" ]]; then reset_search_if_requested; fi
  return $((status >= 2))
}

# Magento knows a module once app/etc/config.php enables it and, in production mode, once the DI
# configuration compiled under generated/metadata includes it (the session handler's name is in
# SaveHandlerFactory's compiled arguments). Until then env.php keeps sessions in Redis.
# shellcheck disable=SC2016 # the PHP code is single-quoted on purpose
session_module_ready() {
  local metadata="$MAGENTO_ROOT/generated/metadata/global.php"
  local config
  # config.php is in the web-writable tree: parsed as data (env-literal.php), never included.
  config="$(mktemp)" || return 1
  if ! read_untrusted "$MAGENTO_ROOT/app/etc/config.php" "$config"; then
    rm -f "$config"
    return 1
  fi
  php -r 'require $argv[3];
    try { $c = EnvLiteral::parse(file_get_contents($argv[1])); } catch (UnexpectedValueException $e) { exit(1); }
    exit(empty($c["modules"][$argv[2]]) ? 1 : 0);' \
    "$config" "$SESSION_MODULE" "$(dirname "$RENDERER")/env-literal.php" || { rm -f "$config"; return 1; }
  rm -f "$config"
  [[ -n "$SESSION_MODULE" ]] &&
    { [[ ! -f "$metadata" ]] || grep -qF DynamoDbSession "$metadata"; }
}

as_magento() {
  (cd "$MAGENTO_ROOT" && runuser -u "$MAGENTO_USER" -- "$@")
}

# Installs the DynamoDB session module (docs/sessions.md) into app/code, enables it and, in
# production mode, recompiles the DI configuration. That compile takes minutes, so an AMI built
# with the module already enabled and compiled is what keeps boots fast: this is then a no-op.
# Runs before the first render, while the instance is not in service yet: a compile empties
# generated/ under whatever PHP-FPM is serving.
install_session_module() {
  [[ -n "${SESSION_MODULE_SRC:-}" && -d "$SESSION_MODULE_SRC" ]] || return 0
  if diff -rq "$SESSION_MODULE_SRC" "$SESSION_MODULE_DIR" >/dev/null 2>&1 && session_module_ready; then
    return 0
  fi
  mkdir -p "$SESSION_MODULE_DIR" && cp -R "$SESSION_MODULE_SRC/." "$SESSION_MODULE_DIR/" &&
    as_magento php bin/magento module:enable "$SESSION_MODULE" >&2 || return 1
  if [[ -d "$MAGENTO_ROOT/generated/metadata" ]]; then
    as_magento php bin/magento setup:di:compile >&2 || return 1
  fi
  log session-module-installed "$SESSION_MODULE"
}

# A read failed: keep the current role, unless the serving lease can no longer be confirmed.
fail_closed_or_keep() {
  if [[ -n "${AUTHORITY_TABLE:-}" ]] && ! serving_confirmed; then
    log role-unknown "$1 and no serving lease confirmed: fenced (fail closed)"
    set_role unknown on
  else
    log role-unknown "$1: kept the current role"
  fi
}

# The instances' own health server (components/healthPaths.ts, docs/detection.md): nginx answers
# the ALB on HEALTH_PORT without PHP or any data store. /dr-shallow says "this instance serves
# HTTP" (the canaries' shallow signal). /dr-serving answers 503 while Magento's maintenance flag
# is set, unless the authority names this region active (NAMED_ACTIVE, kept by set_role: a
# promotion under way), so Route 53's check of a region in maintenance (a warm standby before its
# promotion, a fenced old primary) reports it unhealthy and its failover record never sends
# shoppers to a maintenance page, while a region being promoted is checked healthy at once.
# /dr-app hands a PHP script that touches no data store to PHP-FPM (health_app_location): what
# Magento's target group, and so the Auto Scaling group's ELB health, checks.
# nginx includes conf.d/*.conf inside http {} (Amazon Linux's and Debian's packaged nginx.conf).
health_conf() {
  local flag="$MAGENTO_ROOT/var/.maintenance.flag"
  cat <<CONF
server {
    listen ${HEALTH_PORT:-8081};
    access_log off;
    default_type text/plain;
    location = /dr-shallow { return 200 "serving HTTP"; }
$(health_app_location)
    location = /dr-serving {
        set \$serving "yes";
        if (-f "$flag") { set \$serving "no"; }
        if (-f "$NAMED_ACTIVE") { set \$serving "yes"; }
        if (\$serving = "no") { return 503 "maintenance"; }
        return 200 "serving";
    }
    location / { return 404; }
}
CONF
}

# Magento's nginx configuration passes PHP to an upstream named fastcgi_backend, which the site's
# configuration defines (nginx.conf.sample in Magento's repository: "fastcgi_pass
# fastcgi_backend;", with "upstream fastcgi_backend { server unix:/var/run/php/php-fpm.sock; }"
# as its example). Reusing it reaches the very PHP-FPM pool Magento runs in. Without it nothing
# here can reach PHP: /dr-app then answers like /dr-shallow, and the line says so.
health_app_location() {
  if nginx -T 2>/dev/null | grep -Eq '^[[:space:]]*upstream[[:space:]]+fastcgi_backend[[:space:]]*[{]'; then
    cat <<CONF
    location = /dr-app {
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $APP_PING;
        fastcgi_pass fastcgi_backend;
        fastcgi_connect_timeout 2s;
        fastcgi_read_timeout 4s;
    }
CONF
  else
    log health-server-no-php "no upstream fastcgi_backend in nginx's configuration: /dr-app does not check PHP-FPM"
    echo '    location = /dr-app { return 200 "serving HTTP (PHP-FPM not checked)"; }'
  fi
}

install_health_server() {
  mkdir -p "$(dirname "$APP_PING")" &&
    printf '%s\n' '<?php' 'header("Content-Type: text/plain");' 'echo "PHP-FPM serving";' >"$APP_PING" &&
    chmod 0644 "$APP_PING" || return 1
  local conf="${NGINX_CONF_DIR:-/etc/nginx/conf.d}/magento-dr-health.conf" staged
  staged="$(mktemp "$conf.XXXXXXXX")" || return 1
  if ! { health_conf >"$staged" && chmod 0644 "$staged" && mv -fT "$staged" "$conf"; }; then
    rm -f "$staged"
    return 1
  fi
  nginx -t -q && systemctl reload-or-restart nginx && log health-server "$conf"
}

mount_media() {
  local media="$MAGENTO_ROOT/pub/media"
  local entry="${FILE_SYSTEM_ID:?}:/ $media efs _netdev,noresvport,tls,iam,accesspoint=${ACCESS_POINT_ID:?} 0 0"
  mkdir -p "$media"
  grep -qF "$entry" /etc/fstab || printf '%s\n' "$entry" >>/etc/fstab
  mountpoint -q "$media" || mount "$media"
}

install_watcher() {
  cat >/etc/systemd/system/magento-dr-sync.service <<UNIT
[Unit]
Description=Re-render Magento env.php when the region's endpoints change
After=network-online.target

[Service]
Type=oneshot
ExecStart=$(readlink -f "$0") sync
UNIT
  cat >/etc/systemd/system/magento-dr-sync.timer <<UNIT
[Unit]
Description=Watch the region's SSM parameters for endpoint changes

[Timer]
OnBootSec=30s
OnUnitActiveSec=15s
AccuracySec=1s

[Install]
WantedBy=timers.target
UNIT
  cat >/etc/systemd/system/magento-cron.service <<UNIT
[Unit]
Description=Magento cron (enabled only while this region is active)

[Service]
Type=oneshot
User=$MAGENTO_USER
WorkingDirectory=$MAGENTO_ROOT
ExecStart=/usr/bin/php $MAGENTO_ROOT/bin/magento cron:run
UNIT
  cat >/etc/systemd/system/magento-search-reset.service <<UNIT
[Unit]
Description=Mark Magento's catalog search index invalid so its cron rebuilds it (docs/search.md)

[Service]
Type=oneshot
User=$MAGENTO_USER
WorkingDirectory=$MAGENTO_ROOT
ExecStart=/usr/bin/php $MAGENTO_ROOT/bin/magento indexer:reset catalogsearch_fulltext
UNIT
  cat >/etc/systemd/system/magento-cron.timer <<UNIT
[Unit]
Description=Run Magento cron every minute

[Timer]
OnCalendar=minutely
AccuracySec=1s

[Install]
WantedBy=timers.target
UNIT
  cat >/etc/systemd/system/magento-dr-heartbeat.service <<UNIT
[Service]
Type=oneshot
ExecStart=$(readlink -f "$0") heartbeat
UNIT
  cat >/etc/systemd/system/magento-dr-heartbeat.timer <<UNIT
[Timer]
OnBootSec=20s
OnUnitActiveSec=5s
AccuracySec=1s

[Install]
WantedBy=timers.target
UNIT
  systemctl daemon-reload
  systemctl enable --now magento-dr-sync.timer magento-dr-heartbeat.timer
}

case "${1:-}" in
  boot)
    mount_media
    install_session_module || log session-module-failed "sessions stay in Redis"
    # Without it the ALB's health target group finds this instance unhealthy and the group
    # replaces it: a broken instance is not kept.
    install_health_server || log health-server-failed "nginx did not take the health server"
    install_watcher
    sync
    ;;
  sync) sync ;;
  install-health-server) install_health_server ;;
  install-session-module) install_session_module ;;
  heartbeat) heartbeat ;;
  *)
    echo "usage: magento-dr boot|sync|install-session-module|install-health-server|heartbeat" >&2
    exit 2
    ;;
esac
