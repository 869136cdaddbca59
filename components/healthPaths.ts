// The instances' own health server (nginx on HEALTH_PORT, written by `magento-dr boot`): the ALB
// forwards these two paths to it, and it answers without PHP or any data store.
//  - SHALLOW: "this region serves HTTP" (ALB + instances + nginx). The canaries' shallow signal,
//    the only one whose loss fails over (functions/region/detection.ts).
//  - SERVING: the same, but 503 while Magento's maintenance flag is set: what Route 53's check
//    of the region's ALB asks, so a region in maintenance (a standby, a fenced old primary) is
//    unhealthy to Route 53 and its failover record never sends shoppers to a maintenance page.
//  - APP: nginx hands a PHP script that touches no data store to PHP-FPM: "this instance can run
//    PHP". The Magento target group's check, and so the Auto Scaling group's ELB health: an
//    instance whose nginx or PHP-FPM is dead is replaced, while a database or cache failover
//    (which fails Magento's health_check.php for a minute or more) replaces nothing. Not routed
//    by the ALB: only its health checks ask it, on HEALTH_PORT.
// Plain constants: the bootstrap script (bash) carries the same paths; a test runs real nginx
// with its configuration and asks these paths.
export const SHALLOW_HEALTH_PATH = "/dr-shallow";
export const SERVING_HEALTH_PATH = "/dr-serving";
export const APP_HEALTH_PATH = "/dr-app";
/** The health server's port on the instances (the ALB's health target group). */
export const HEALTH_PORT = 8081;
