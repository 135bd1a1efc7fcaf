// Package calendarbench compares qun's recurrence expansion
// (github.com/qunkit/qun/calendar/rrule) with github.com/teambition/rrule-go
// on the same rules, side by side in one run, and shows where they differ
// across DST changes. It has no code of its own: run
//
//	go test -bench . -benchmem ./calendarbench
//
// in the examples module, and read the ratio of ns/occurrence between the
// qun and rrule-go lines of each rule.
package calendarbench
