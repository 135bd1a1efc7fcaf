package referral

import (
	"fmt"
	"strconv"

	"github.com/qunkit/qun"
)

// Reason says why a member has no inviter, or why a milestone paid
// nothing. Each is a result, not an error: the host records it and can
// show it to an operator.
type Reason uint8

// The reasons. The zero Reason means none.
const (
	// NoReason: nothing was refused.
	NoReason Reason = iota
	// Organic: no invitation reached the member within the attribution
	// window before joining (自然流量). Not a refusal; the member simply
	// came on their own.
	Organic
	// SelfInvite: the invitation the model picked came from the member
	// themself.
	SelfInvite
	// Cycle: the invitation the model picked came from someone the member
	// invited, directly or not, so attributing it would close a loop in
	// the invite tree.
	Cycle
	// Signal: the host found a fraud signal (same device, same payment
	// account, or one of its own) on the invitation the model picked, or
	// on the event that reached a milestone.
	Signal
	// Churned: the member churned (流失) before the event, so the event
	// reaches no milestone.
	Churned
	// Late: the event came after the milestone's deadline (its Within).
	Late
)

var reasonNames = [...]string{"", "organic", "self_invite", "cycle", "signal", "churned", "late"}

// The fraud signals the package names. A host may pass any other name as a
// signal too ("same_ip", "emulator"); every signal refuses.
const (
	// SameDevice: the invitee uses a device the inviter used.
	SameDevice = "same_device"
	// SamePaymentAccount: the invitee paid from the inviter's payment
	// account.
	SamePaymentAccount = "same_payment_account"
)

// String returns the reason's name: "organic", "self_invite", "cycle",
// "signal", "churned", "late", or "" for none.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// MarshalText writes the reason's name.
func (r Reason) MarshalText() ([]byte, error) {
	if int(r) >= len(reasonNames) {
		return nil, fmt.Errorf("referral: marshal reason %d: %w", uint8(r), qun.Invalid("", "not a reason"))
	}
	return []byte(reasonNames[r]), nil
}

// UnmarshalText reads a reason's name.
func (r *Reason) UnmarshalText(text []byte) error {
	for i, n := range reasonNames {
		if n == string(text) {
			*r = Reason(i)
			return nil
		}
	}
	return fmt.Errorf("referral: parse reason %q: %w", text, qun.Invalid("", "not a reason"))
}
