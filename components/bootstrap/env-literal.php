<?php
// Reads an env.php without running it. The renderer runs as root and env.php lives in a tree the
// web server may write, so `include` would hand root to whoever can write that file. Only the
// form Magento and var_export() write is accepted: `<?php return [ ... ];` (or array( ... ))
// holding string/int/float/bool/null literals and PDO::* constants as keys or values.
// Anything else (a call, a variable, a heredoc, an expression) is refused.

final class EnvLiteral
{
    private array $tokens = [];
    private int $at = 0;

    public static function parse(string $source): array
    {
        $reader = new self();
        foreach (token_get_all($source) as $token) {
            $id = is_array($token) ? $token[0] : null;
            if (!in_array($id, [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT, T_OPEN_TAG], true)) {
                $reader->tokens[] = $token;
            }
        }
        $reader->expect(T_RETURN);
        $value = $reader->value();
        $reader->expect(';');
        if ($reader->at !== count($reader->tokens)) {
            throw new UnexpectedValueException('code after the returned array');
        }
        if (!is_array($value)) {
            throw new UnexpectedValueException('env.php does not return an array');
        }
        return $value;
    }

    private function peek(): mixed
    {
        return $this->tokens[$this->at] ?? null;
    }

    private function is(mixed $token, int|string $kind): bool
    {
        return is_array($token) ? $token[0] === $kind : $token === $kind;
    }

    private function expect(int|string $kind): mixed
    {
        $token = $this->peek();
        if ($token === null || !$this->is($token, $kind)) {
            $seen = is_array($token) ? token_name($token[0]) . ' ' . $token[1] : var_export($token, true);
            $want = is_int($kind) ? token_name($kind) : $kind;
            throw new UnexpectedValueException("expected $want, found $seen");
        }
        $this->at++;
        return $token;
    }

    private function value(): mixed
    {
        $token = $this->peek();
        if ($this->is($token, '[')) {
            $this->at++;
            return $this->elements(']');
        }
        if ($this->is($token, T_ARRAY)) {
            $this->at++;
            $this->expect('(');
            return $this->elements(')');
        }
        if ($this->is($token, '-')) {
            $this->at++;
            $number = $this->value();
            if (!is_int($number) && !is_float($number)) {
                throw new UnexpectedValueException('minus before a non-number');
            }
            return -$number;
        }
        $this->at++;
        if ($this->is($token, T_CONSTANT_ENCAPSED_STRING)) {
            return self::unquote($token[1]);
        }
        if ($this->is($token, T_LNUMBER)) {
            return intval($token[1], 0);
        }
        if ($this->is($token, T_DNUMBER)) {
            return (float) $token[1];
        }
        if ($this->is($token, T_STRING) || $this->is($token, T_NAME_FULLY_QUALIFIED)) {
            return $this->constant(ltrim($token[1], '\\'));
        }
        $seen = is_array($token) ? token_name($token[0]) . ' ' . $token[1] : var_export($token, true);
        throw new UnexpectedValueException("not a literal: $seen");
    }

    /** true/false/null, or a PDO class constant (Magento's docs write driver options that way). */
    private function constant(string $name): mixed
    {
        $lower = strtolower($name);
        if (in_array($lower, ['true', 'false', 'null'], true)) {
            return ['true' => true, 'false' => false, 'null' => null][$lower];
        }
        if (strcasecmp($name, 'PDO') === 0 && $this->is($this->peek(), T_DOUBLE_COLON)) {
            $this->at++;
            $constant = $this->expect(T_STRING)[1];
            if (defined("PDO::$constant")) {
                return constant("PDO::$constant");
            }
            // Without pdo_mysql loaded: mysqlnd's values, as render-env.php writes them.
            $mysqlnd = ['MYSQL_ATTR_SSL_CA' => 1009, 'MYSQL_ATTR_SSL_VERIFY_SERVER_CERT' => 1014];
            if (isset($mysqlnd[$constant])) {
                return $mysqlnd[$constant];
            }
            throw new UnexpectedValueException("unknown constant PDO::$constant");
        }
        throw new UnexpectedValueException("constant $name is not allowed");
    }

    private function elements(string $close): array
    {
        $result = [];
        while (!$this->is($this->peek(), $close)) {
            $first = $this->value();
            if ($this->is($this->peek(), T_DOUBLE_ARROW)) {
                $this->at++;
                if (!is_int($first) && !is_string($first) && !is_bool($first) && $first !== null) {
                    throw new UnexpectedValueException('array key is not a string or integer');
                }
                $result[$first] = $this->value();
            } else {
                $result[] = $first;
            }
            if (!$this->is($this->peek(), ',')) {
                break;
            }
            $this->at++;
        }
        $this->expect($close);
        return $result;
    }

    /** A constant string token: single quotes know only \\ and \'; double quotes PHP's escapes. */
    private static function unquote(string $literal): string
    {
        $body = substr($literal, 1, -1);
        if ($literal[0] === "'") {
            return preg_replace('/\\\\([\\\\\'])/', '$1', $body);
        }
        return stripcslashes(str_replace('\\$', '$', $body));
    }
}
