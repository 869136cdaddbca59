// Package tools pins the Pulumi CLI that the engine tests run (scripts/pulumi-tools.sh builds it).
// The requirement itself is the `tool` directive in go.mod; this file only gives the module a
// package so `go mod tidy` and `go vet` have something to look at.
package tools
