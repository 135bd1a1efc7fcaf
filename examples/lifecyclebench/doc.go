// Package lifecyclebench compares lifecycle.Machine's Fire with the state
// machines of github.com/qmuntal/stateless and github.com/looplab/fsm, and
// with a hand-written switch as the floor, on one decision: a silent member
// who is active again is recalled, if they opted in to messages (a guard),
// and entering the recalled state has an effect (send a welcome-back
// message).
//
// Each is used the way a host would use it for many members whose states
// live in the host's storage: qun's Machine takes the state as an argument;
// stateless reads and writes it through external storage; looplab/fsm is
// set to the member's state before each event. qun returns the effects as
// names; the peers run an entry callback that records the same name.
//
// Run it from the examples directory:
//
//	go test -run '^$' -bench . -benchmem -count 6 ./lifecyclebench
package lifecyclebench
