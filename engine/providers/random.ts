// The simulated random provider plugin ("random"): RandomPassword answered by MockCloud (a
// deterministic result). Every input of random_password forces a new password, so the pessimistic
// diff (every change replaces) is the provider's own behaviour here.
import type * as provider from "@pulumi/pulumi/provider";
import { SimulatedAws } from "./aws";

export class SimulatedRandom extends SimulatedAws implements provider.Provider {
  constructor(version: string) {
    super(version, "");
  }

  override async invoke(token: string): Promise<never> {
    throw new Error(`simulated random: no function ${token}`);
  }
}
