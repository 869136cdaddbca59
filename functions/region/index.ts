// The region-failover library: what the Lambdas, the operator CLI and the offline plan import.
export * from "./authority";
export * from "./audit";
export * from "./clients";
export * from "./deadline";
export * from "./detection";
export * from "./detector";
export * from "./errors";
export * from "./event";
export * from "./fence";
export * from "./lag";
export * from "./log";
export * from "./orchestrator";
export * from "./probes";
export * from "./recoveryBudget";
export * from "./settings";
export * from "./steps";
export * from "./witness";
