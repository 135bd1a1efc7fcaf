module github.com/qunkit/qun/examples

go 1.24

require (
	github.com/looplab/fsm v1.0.3
	github.com/qmuntal/stateless v1.7.2
	github.com/qunkit/qun v0.0.0
	github.com/shopspring/decimal v1.6.0
)

require (
	github.com/expr-lang/expr v1.17.8
	github.com/teambition/rrule-go v1.8.2
)

// The examples are built against the library in this repository, never a
// published version: the go.work at the root says the same for workspace
// mode, and this replace keeps GOWORK=off builds working.
replace github.com/qunkit/qun => ../
