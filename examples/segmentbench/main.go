// Segmentbench compares qun's segment rules with github.com/expr-lang/expr,
// the expression language Go services most often embed for rules, and
// with the same predicate written by hand in Go, side by side in one run.
//
// The predicate has five clauses, the shape of an operator's segment:
//
//	city in ["Shanghai", "Hangzhou"] and age between 25 and 40 and
//	engagement > 10 and vip = true and lifecycle != "churned"
//
// Each contender evaluates it for every member of the same population of
// 100,000 members, in the form it reads members in: a segment.Record, a Go
// struct for expr (its fastest environment), a map[string]any for expr
// (how hosts with dynamic attributes feed it), and a struct for the
// hand-written function. The program prints ns per member, allocations
// per member, and each time as a ratio to qun's.
//
// Run it from the repository root:
//
//	go run ./examples/segmentbench
//
// or as benchmarks: go test -bench . ./examples/segmentbench.
package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/segment"
)

// The predicate, in each contender's syntax.
const (
	qunRule    = `city in ["Shanghai", "Hangzhou"] and age between 25 and 40 and engagement > 10 and vip = true and lifecycle != "churned"`
	exprStruct = `City in ["Shanghai", "Hangzhou"] && Age >= 25 && Age <= 40 && Engagement > 10 && Vip && Lifecycle != "churned"`
	exprMap    = `city in ["Shanghai", "Hangzhou"] && age >= 25 && age <= 40 && engagement > 10 && vip && lifecycle != "churned"`
)

// Member is a member as a Go struct: expr's struct environment and the
// hand-written predicate read it.
type Member struct {
	City       string
	Age        float64
	Engagement float64
	Vip        bool
	Lifecycle  string
}

// handWritten is the predicate in plain Go.
func handWritten(m *Member) bool {
	return (m.City == "Shanghai" || m.City == "Hangzhou") && m.Age >= 25 && m.Age <= 40 &&
		m.Engagement > 10 && m.Vip && m.Lifecycle != "churned"
}

// Population holds the same members in every contender's form.
type Population struct {
	Set     *segment.Set
	Records []*segment.Record
	Structs []Member
	Maps    []map[string]any
	Struct  *vm.Program
	Map     *vm.Program
}

// NewPopulation draws n members from a fixed seed and compiles the
// predicate for each contender.
func NewPopulation(n int) (*Population, error) {
	schema := segment.Schema{Attributes: []segment.Attribute{
		{Name: "city", Type: segment.TypeString},
		{Name: "age", Type: segment.TypeNumber},
		{Name: "engagement", Type: segment.TypeNumber},
		{Name: "vip", Type: segment.TypeBool},
		{Name: "lifecycle", Type: segment.TypeString},
	}}
	rule, err := segment.Parse(qunRule)
	if err != nil {
		return nil, err
	}
	set, err := segment.Compile(schema, []segment.Segment{{Name: "target", Version: 1, Rule: rule}})
	if err != nil {
		return nil, err
	}
	p := &Population{Set: set}
	if p.Struct, err = expr.Compile(exprStruct, expr.Env(Member{}), expr.AsBool()); err != nil {
		return nil, err
	}
	if p.Map, err = expr.Compile(exprMap, expr.Env(map[string]any{
		"city": "", "age": 0.0, "engagement": 0.0, "vip": false, "lifecycle": "",
	}), expr.AsBool()); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(7, 11))
	cities := []string{"Shanghai", "Hangzhou", "Beijing", "Shenzhen", "Chengdu"}
	stages := []string{"new", "active", "active", "silent", "churned"}
	for i := range n {
		m := Member{
			City:       cities[rng.IntN(len(cities))],
			Age:        float64(18 + rng.IntN(40)),
			Engagement: float64(rng.IntN(10000)) / 100,
			Vip:        rng.IntN(3) == 0,
			Lifecycle:  stages[rng.IntN(len(stages))],
		}
		r := set.NewRecord(qun.MemberID(fmt.Sprintf("m%06d", i)))
		for _, err := range []error{
			r.SetString("city", m.City), r.SetNumber("age", m.Age), r.SetNumber("engagement", m.Engagement),
			r.SetBool("vip", m.Vip), r.SetString("lifecycle", m.Lifecycle),
		} {
			if err != nil {
				return nil, err
			}
		}
		p.Records = append(p.Records, r)
		p.Structs = append(p.Structs, m)
		p.Maps = append(p.Maps, map[string]any{
			"city": m.City, "age": m.Age, "engagement": m.Engagement, "vip": m.Vip, "lifecycle": m.Lifecycle,
		})
	}
	return p, nil
}

// Contender is one way to evaluate the predicate over the population: it
// returns how many members matched.
type Contender struct {
	Name string
	Eval func(p *Population) (int, error)
}

// Contenders are qun, expr with a reused VM (its fastest path), expr.Run
// (its common path) on a struct and on a map, and hand-written Go.
var Contenders = []Contender{
	{"qun segment", func(p *Population) (int, error) {
		e := p.Set.At(time.Time{})
		n := 0
		for _, r := range p.Records {
			if e.Match(r, 0) {
				n++
			}
		}
		return n, nil
	}},
	{"expr, struct, reused VM", func(p *Population) (int, error) {
		var machine vm.VM
		n := 0
		for i := range p.Structs {
			out, err := machine.Run(p.Struct, &p.Structs[i])
			if err != nil {
				return 0, err
			}
			if out.(bool) {
				n++
			}
		}
		return n, nil
	}},
	{"expr.Run, struct", func(p *Population) (int, error) {
		n := 0
		for i := range p.Structs {
			out, err := expr.Run(p.Struct, &p.Structs[i])
			if err != nil {
				return 0, err
			}
			if out.(bool) {
				n++
			}
		}
		return n, nil
	}},
	{"expr.Run, map", func(p *Population) (int, error) {
		n := 0
		for _, m := range p.Maps {
			out, err := expr.Run(p.Map, m)
			if err != nil {
				return 0, err
			}
			if out.(bool) {
				n++
			}
		}
		return n, nil
	}},
	{"hand-written Go", func(p *Population) (int, error) {
		n := 0
		for i := range p.Structs {
			if handWritten(&p.Structs[i]) {
				n++
			}
		}
		return n, nil
	}},
}

func main() {
	if err := run(os.Stdout, 100_000, benchmark); err != nil {
		fmt.Fprintln(os.Stderr, "segmentbench:", err)
		os.Exit(1)
	}
}

// benchmark measures one pass of a contender over the population.
func benchmark(c Contender, p *Population) (testing.BenchmarkResult, error) {
	var failed error
	res := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Eval(p); err != nil {
				failed = err
				return
			}
		}
	})
	return res, failed
}

func run(w io.Writer, n int, measure func(Contender, *Population) (testing.BenchmarkResult, error)) error {
	p, err := NewPopulation(n)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "five-clause predicate over %d members\n", n)
	fmt.Fprintf(w, "%-26s %12s %14s %8s\n", "contender", "ns/member", "allocs/member", "vs qun")
	var base float64
	for i, c := range Contenders {
		res, err := measure(c, p)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		perMember := float64(res.NsPerOp()) / float64(n)
		if i == 0 {
			base = perMember
		}
		fmt.Fprintf(w, "%-26s %12.1f %14.2f %7.1fx\n", c.Name, perMember, float64(res.AllocsPerOp())/float64(n), perMember/base)
	}
	return nil
}
