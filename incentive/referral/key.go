package referral

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/qunkit/qun"
)

// ledgerKey returns the idempotency key of a ledger request made by the
// program: the parts joined with slashes, readable in a statement
// ("referral/bring-a-buyer/lin/order-7/1"). When a part holds a slash
// itself, or the key would be longer than a name may be, it is instead
// "referral/" and the hex SHA-256 of the length-prefixed parts, so that no
// two different grants can share a key.
func ledgerKey(parts ...string) string {
	n := len("referral")
	plain := true
	for _, p := range parts {
		n += 1 + len(p)
		if strings.IndexByte(p, '/') >= 0 {
			plain = false
		}
	}
	if plain && n <= qun.MaxNameLen {
		var b strings.Builder
		b.Grow(n)
		b.WriteString("referral")
		for _, p := range parts {
			b.WriteByte('/')
			b.WriteString(p)
		}
		return b.String()
	}
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p))))
		h.Write([]byte{':'})
		h.Write([]byte(p))
	}
	return "referral/" + hex.EncodeToString(h.Sum(nil))
}

// reversalKey returns the idempotency key of the reversal of an earn by a
// refund: "refund/<refund>/<earn>", or a hashed key when the refund's key
// holds a slash or the whole would be too long.
func reversalKey(refund, earn string) string {
	if strings.IndexByte(refund, '/') < 0 && len("refund/")+len(refund)+1+len(earn) <= qun.MaxNameLen {
		return "refund/" + refund + "/" + earn
	}
	return ledgerKey("refund", refund, earn)
}
