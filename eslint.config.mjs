// ESLint: typescript-eslint's type-checked rules plus Pulumi's (an Output inside a template
// literal renders as "Calling [toString] on an Output<T>..." instead of its value).
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "bin/**",
      "scratch/**",
      // Mutation reports and Stryker's sandboxes (npm run mutation).
      "reports/**",
      "policies/node_modules/**",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // Test and plan code inspects recorded inputs, whose shapes are the provider's, untyped here.
    files: ["test/**/*.ts", "plan/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
