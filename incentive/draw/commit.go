package draw

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
	"math/rand/v2"

	"github.com/qunkit/qun"
)

// Seed is the secret a draw's randomness comes from: 32 bytes the host
// draws from a cryptographic source (crypto/rand) and keeps secret until
// the draw is over. Its text form is 64 hex digits.
type Seed [32]byte

// MarshalText writes the seed in hex.
func (s Seed) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(s[:])), nil }

// UnmarshalText reads a seed of 64 hex digits.
func (s *Seed) UnmarshalText(text []byte) error {
	var v Seed
	if len(text) != 2*len(v) {
		return fmt.Errorf("draw: parse seed: %w", qun.Invalid("", "want 64 hex digits"))
	}
	if _, err := hex.Decode(v[:], text); err != nil {
		return fmt.Errorf("draw: parse seed: %w", qun.Invalid("", "want 64 hex digits"))
	}
	*s = v
	return nil
}

// Salt is the nonce committed with a seed, in hex as text. It keeps the
// commitment hiding even if a seed were guessable, and makes two
// commitments to one seed differ.
type Salt []byte

// MinSalt is the shortest salt a commitment takes, in bytes.
const MinSalt = 16

// MarshalText writes the salt in hex.
func (s Salt) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(s)), nil }

// UnmarshalText reads a salt in hex.
func (s *Salt) UnmarshalText(text []byte) error {
	v, err := hex.DecodeString(string(text))
	if err != nil {
		return fmt.Errorf("draw: parse salt: %w", qun.Invalid("", "want hex digits"))
	}
	*s = v
	return nil
}

// Reveal is what the host publishes after the draw: the seed and the salt
// it committed to. With the pool and the results, anyone can check the
// commitment and recompute every result ([Verify]).
type Reveal struct {
	Seed Seed `json:"seed"` // the secret seed
	Salt Salt `json:"salt"` // the salt committed with it
}

// UnmarshalJSON reads a reveal strictly.
func (r *Reveal) UnmarshalJSON(data []byte) error {
	type plain Reveal
	return qun.UnmarshalStrict(data, (*plain)(r))
}

// Commitment is what the host publishes before the draw opens (公示): the
// draw's ID, the fingerprint of its pool, and a hash that binds the seed
// and the salt to both, without telling them. Once it is public, the host
// can no longer change the seed, the salt or the pool's rules without
// every verifier noticing.
//
// Hash is the hex SHA-256 of the concatenation of
//
//	the 18 bytes "qun/draw/commit/v1"
//	the draw's ID, the pool's fingerprint and the seed, each preceded by
//	its length in bytes as an 8-byte big-endian integer
//	the salt, likewise preceded by its length
//
// and Pool is the pool's fingerprint ([Fingerprint]).
type Commitment struct {
	Draw string `json:"draw"` // the pool's ID
	Pool string `json:"pool"` // the pool's fingerprint
	Hash string `json:"hash"` // the hash of the committed values
}

// UnmarshalJSON reads a commitment strictly.
func (c *Commitment) UnmarshalJSON(data []byte) error {
	type plain Commitment
	return qun.UnmarshalStrict(data, (*plain)(c))
}

// ErrTampered reports a verification that failed: a seed or salt that is
// not the one committed to, a pool that is not the one committed to, or a
// result that is not what the committed seed gives. It matches
// [qun.ErrInvalid].
var ErrTampered = fmt.Errorf("draw: verification failed: %w", qun.ErrInvalid)

// Fingerprint returns the pool's fingerprint: the hex SHA-256 of its JSON
// form as [encoding/json.Marshal] writes it. The host publishes those exact
// bytes with the commitment, so that anyone can hash them and read the
// pool's rules from them.
func Fingerprint(p Pool) (string, error) {
	data, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("draw: fingerprint of pool %q: %w", p.ID, err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// Commit returns the commitment to the pool and the reveal's seed and
// salt, for the host to publish before the draw opens. The pool must be
// valid and the salt at least MinSalt bytes.
func Commit(p Pool, r Reveal) (Commitment, error) {
	if err := p.Validate(); err != nil {
		return Commitment{}, fmt.Errorf("draw: commit: %w", err)
	}
	if len(r.Salt) < MinSalt {
		return Commitment{}, fmt.Errorf("draw: commit: %w", qun.Invalid("salt", "must be at least %d bytes", MinSalt))
	}
	fp, err := Fingerprint(p)
	if err != nil {
		return Commitment{}, err
	}
	return Commitment{Draw: p.ID, Pool: fp, Hash: commitHash(p.ID, fp, r)}, nil
}

func commitHash(draw, fingerprint string, r Reveal) string {
	h := sha256.New()
	h.Write([]byte("qun/draw/commit/v1"))
	for _, part := range [][]byte{[]byte(draw), []byte(fingerprint), r.Seed[:], r.Salt} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Check reports whether the pool and the reveal are those c commits to,
// or an error wrapping ErrTampered that says which is not.
func (c Commitment) Check(p Pool, r Reveal) error {
	if p.ID != c.Draw {
		return fmt.Errorf("%w: the pool is draw %q, the commitment is to draw %q", ErrTampered, p.ID, c.Draw)
	}
	fp, err := Fingerprint(p)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(fp), []byte(c.Pool)) != 1 {
		return fmt.Errorf("%w: the pool's fingerprint %s is not the one committed to", ErrTampered, fp)
	}
	if subtle.ConstantTimeCompare([]byte(commitHash(c.Draw, c.Pool, r)), []byte(c.Hash)) != 1 {
		return fmt.Errorf("%w: the seed and salt are not those committed to", ErrTampered)
	}
	return nil
}

// Verify checks a finished draw: that the pool and the reveal are those
// committed to, and that the results, in the order of their Seq from 1,
// are exactly what the pool and the seed give for their entries (key,
// member and time). It returns nil, or an error wrapping ErrTampered
// naming the first result that differs. Verify needs every result of the
// draw, in order, since each draw's stock, limits and guarantee depend on
// those before it.
func Verify(p Pool, c Commitment, r Reveal, results []Result) error {
	if err := c.Check(p, r); err != nil {
		return err
	}
	d, err := New("verify", p, r.Seed)
	if err != nil {
		return err
	}
	d.Grow(len(results))
	for i, res := range results {
		if err := d.replay(res); err != nil {
			return fmt.Errorf("result %d: %w", i, err)
		}
	}
	return nil
}

// stream returns the generator of the draw's random numbers: a ChaCha8
// generator (math/rand/v2, the C2SP chacha8rand algorithm, whose output the
// Go project pins with test vectors so that it never changes) seeded with
// the SHA-256 of the 18 bytes "qun/draw/stream/v1", the draw's ID preceded
// by its length as an 8-byte big-endian integer, and the seed. ChaCha8 is
// a cryptographic generator: the prizes members see as the draw runs tell
// nothing about the draws to come.
func stream(draw string, seed Seed) rand.ChaCha8 {
	h := sha256.New()
	h.Write([]byte("qun/draw/stream/v1"))
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(draw)))
	h.Write(n[:])
	h.Write([]byte(draw))
	h.Write(seed[:])
	var key [32]byte
	h.Sum(key[:0])
	return *rand.NewChaCha8(key)
}

// source is the randomness of one entry: the draw's generator, each
// output mixed with the entry's hash.
type source struct {
	rng *rand.ChaCha8
	mix uint64
}

// next returns the entry's next 64-bit random value.
func (s *source) next() uint64 { return s.rng.Uint64() ^ s.mix }

// entryHash returns the hash an entry's random values are mixed with: the
// first 8 bytes, big-endian, of the SHA-256 of the entry's key and member,
// each preceded by its length as an 8-byte big-endian integer. Mixing
// binds every result to its entry: a result moved to another member or
// another entry no longer follows from the seed, and Verify rejects it.
// (A value XOR a constant is as uniform and as unpredictable as the value.)
func entryHash(key string, member qun.MemberID) uint64 {
	var buf [16 + 2*qun.MaxNameLen]byte
	n := 0
	for _, part := range []string{key, string(member)} {
		binary.BigEndian.PutUint64(buf[n:], uint64(len(part)))
		n += 8
		n += copy(buf[n:], part)
	}
	sum := sha256.Sum256(buf[:n])
	return binary.BigEndian.Uint64(sum[:8])
}

// uniform returns a uniformly distributed number in [0, n), n > 0, from
// the entry's 64-bit random values, by Lemire's multiply-and-reject method
// (D. Lemire, "Fast Random Integer Generation in an Interval", ACM
// Transactions on Modeling and Computer Simulation 29(1), 2019): x·n is
// computed in 128 bits, its high half is the result, and x is drawn again
// while the low half is below 2^64 mod n. It is written here rather than
// taken from rand.Rand so that results depend only on the generator's
// output, which is specified, and never on how the standard library
// chooses to reduce it.
func uniform(src *source, n uint64) uint64 {
	hi, lo := bits.Mul64(src.next(), n)
	if lo < n {
		threshold := -n % n
		for lo < threshold {
			hi, lo = bits.Mul64(src.next(), n)
		}
	}
	return hi
}
