package incentivetest_test

import (
	"fmt"
	"testing"

	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/incentivetest"
)

// myProgram is the host's own points program, as its admin UI saved it.
const myProgram = `{
  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
  "kinds": [
    {"name": "points", "spendable": true, "pending": "7d", "expiry": {"end": "year", "periods": 1}, "reversal": "debt"},
    {"name": "growth"}
  ],
  "rules": [
    {"id": "check-in", "kind": "points", "event": {"name": "check_in"}, "points": "10", "caps": {"day": "10"}},
    {"id": "purchase", "kind": "points", "event": {"name": "purchase"}, "points": "1", "per": "10",
     "whole_units": true, "caps": {"month": "2000"}},
    {"id": "growth", "kind": "growth", "event": {"name": "check_in"}, "points": "1"}
  ]
}`

// checkMyProgram is what a host puts in its own tests, as
//
//	func TestPointsProgram(t *testing.T) { checkMyProgram(t) }
//
// so that every edit of the program is proven safe in CI: no double
// awards, no cap exceeded, no expiry of spent points, and the rest of
// the invariants Check lists.
func checkMyProgram(t *testing.T) {
	p, err := incentive.ParseProgram([]byte(myProgram))
	if err != nil {
		t.Fatal(err)
	}
	incentivetest.Check(t, p)
}

// Hosts check their own rule sets with Check. This example only parses
// the program; the test function above runs the check.
func Example() {
	p, err := incentive.ParseProgram([]byte(myProgram))
	fmt.Println(len(p.Kinds), "kinds,", len(p.Rules), "rules,", err)
	// Output:
	// 2 kinds, 3 rules, <nil>
}
