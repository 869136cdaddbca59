import * as assert from "assert";
import { requireCommands } from "./helpers/localTools";

describe("tests that need local programs", () => {
  it("name every missing command and the Debian package to install, in one message", () => {
    assert.throws(
      () => requireCommands(["sh", "no-such-cmd-a", "php-missing-b"]),
      /^Error: these tests run no-such-cmd-a, php-missing-b for real: install them first \(Debian\/Ubuntu: sudo apt-get install no-such-cmd-a php-missing-b; .ci\/run does this\)$/,
    );
    assert.doesNotThrow(() => requireCommands(["sh"]));
  });
});
