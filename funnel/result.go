package funnel

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"time"
)

// Result is what a funnel counted.
type Result struct {
	// Steps has one entry per step, in order.
	Steps []StepResult
	// Dropped is the number of members removed by exclusions: they are in
	// no step's count, as in PostHog.
	Dropped int64
	// Breakdown has one entry per breakdown value when the funnel has a
	// breakdown, the most members at the first step first (ties by value).
	// Members without a value are counted under the empty value.
	Breakdown []Segment
}

// Segment is the funnel of the members under one breakdown value.
type Segment struct {
	// Value is the breakdown value these members are counted under: the
	// property's value by the funnel's attribution, or "" for the members
	// who have no value (no step event with the property, or no such member
	// property).
	Value string
	// Steps is the funnel of these members alone, one entry per step as in
	// [Result].Steps, with conversion rates and drop-off among them. Their
	// TimeToConvert is empty: time to convert is measured for the whole
	// funnel only.
	Steps []StepResult
}

// StepResult is one step of a funnel's result.
type StepResult struct {
	// Name is the step's event name.
	Name string
	// Members is the number of members who reached this step. In an
	// unordered funnel, step k counts the members who completed k+1 of the
	// steps, in any order.
	Members int64
	// FromFirst is Members divided by the first step's Members (the
	// conversion rate so far), and FromPrevious by the previous step's
	// (the step's own conversion rate); 0 when the divisor is 0.
	FromFirst    float64
	FromPrevious float64
	// DropOff is the number of members who reached the previous step but
	// not this one (0 for the first step).
	DropOff int64
	// TimeToConvert describes how long members took from the previous
	// step to this one (empty for the first step, and for breakdowns).
	TimeToConvert Times
}

// Times summarizes durations: how many, their mean, median and 90th
// percentile, and a histogram. Percentiles interpolate linearly between
// the nearest ranks (R's quantile type 7, NumPy's default), exactly.
//
// Durations are measured in whole microseconds, the table's precision, and
// are never negative: a step may happen at the same instant as the one
// before it. The zero Times (Count 0) describes no durations: every field
// is zero and Histogram is nil.
type Times struct {
	// Count is the number of durations: the members counted at this step,
	// each with the time they took from the previous step.
	Count int64
	// Mean is the arithmetic mean, rounded to the nearest nanosecond.
	Mean time.Duration
	// Median is the 50th percentile: the middle duration, or halfway
	// between the two middle ones when Count is even.
	Median time.Duration
	// P90 is the 90th percentile, interpolated between the two nearest
	// ranks as the Median is (type 7), and rounded to the nanosecond.
	P90 time.Duration
	// Histogram splits the durations into bins of equal width, a whole
	// number of microseconds (at least one), from the shortest duration up:
	// Funnel.Bins bins, or Sturges' 1 + ⌈log2 Count⌉ when it is 0, at most
	// [MaxBins]. Any bin may be empty; their counts sum to Count.
	Histogram []Bin
}

// Bin is one bar of a histogram: the count of durations in [From, To); the
// last bin also holds its To.
type Bin struct {
	// From is the bin's lower bound, inclusive, and To its upper bound,
	// exclusive, except that the last bin also holds a duration equal to
	// its To. Each bin's To is the next one's From.
	From, To time.Duration
	// Count is the number of durations in the bin.
	Count int64
}

// result builds the Result from the tallies.
func (e *exec) result() Result {
	res := Result{Dropped: e.dropped, Steps: e.steps(e.reached)}
	for k := 1; k < e.n; k++ {
		res.Steps[k].TimeToConvert = summarize(e.durs[k].chunks, e.q.f.Bins)
	}
	if e.q.f.Breakdown != nil {
		for i, v := range e.bdVals {
			value := ""
			if v != 0 {
				value = e.t.values.strs[v-1]
			}
			res.Breakdown = append(res.Breakdown, Segment{Value: value, Steps: e.steps(e.bdReach[i])})
		}
		slices.SortFunc(res.Breakdown, func(a, b Segment) int {
			if c := cmp.Compare(b.Steps[0].Members, a.Steps[0].Members); c != 0 {
				return c
			}
			return cmp.Compare(a.Value, b.Value)
		})
	}
	return res
}

func (e *exec) steps(reached []int64) []StepResult {
	out := make([]StepResult, e.n)
	for k := range out {
		s := &out[k]
		s.Name = e.q.f.Steps[k].Name
		s.Members = reached[k]
		s.FromFirst = ratio(reached[k], reached[0])
		if k > 0 {
			s.FromPrevious = ratio(reached[k], reached[k-1])
			s.DropOff = reached[k-1] - reached[k]
		} else {
			s.FromPrevious = ratio(reached[0], reached[0])
		}
	}
	return out
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// summarize describes durations given in microseconds, in chunks.
func summarize(chunks [][]int64, bins int) Times {
	n := 0
	var sum float64
	lo, hi := int64(maxMicros), int64(minMicros)
	for _, c := range chunks {
		n += len(c)
		for _, d := range c {
			sum += float64(d)
			lo, hi = min(lo, d), max(hi, d)
		}
	}
	if n == 0 {
		return Times{}
	}
	q := quantiles(chunks, n, lo, hi, 0.5, 0.9)
	t := Times{Count: int64(n), Mean: micros(sum / float64(n)), Median: micros(q[0]), P90: micros(q[1])}
	if bins == 0 {
		bins = min(1+bits.Len(uint(n-1)), MaxBins) // Sturges: 1 + ⌈log2 n⌉
	}
	width := (hi - lo + int64(bins) - 1) / int64(bins)
	if width == 0 {
		width = 1
	}
	t.Histogram = make([]Bin, bins)
	for i := range t.Histogram {
		t.Histogram[i] = Bin{From: time.Duration(lo+int64(i)*width) * time.Microsecond, To: time.Duration(lo+int64(i+1)*width) * time.Microsecond}
	}
	for _, c := range chunks {
		for _, d := range c {
			t.Histogram[min(int((d-lo)/width), bins-1)].Count++
		}
	}
	return t
}

func micros(us float64) time.Duration { return time.Duration(math.Round(us * 1000)) }

// quantiles returns the p-quantiles of the n values in chunks, which lie
// in [lo, hi], interpolating linearly between the closest ranks (type 7).
// It finds the ranks it needs exactly with one radix pass that counts the
// values in 65,536 buckets and a second that selects within the few
// buckets holding those ranks, so it neither sorts nor copies the values.
func quantiles(chunks [][]int64, n int, lo, hi int64, ps ...float64) []float64 {
	ranks := make([]int, 0, 2*len(ps))
	for _, p := range ps {
		k := int(math.Floor(float64(n-1) * p))
		ranks = append(ranks, k, min(k+1, n-1))
	}
	vals := ranked(chunks, n, lo, hi, ranks)
	out := make([]float64, len(ps))
	for i, p := range ps {
		h := float64(n-1) * p
		a, b := float64(vals[2*i]), float64(vals[2*i+1])
		out[i] = a + (h-math.Floor(h))*(b-a)
	}
	return out
}

// ranked returns the values of the given ranks (0 is the smallest).
func ranked(chunks [][]int64, n int, lo, hi int64, ranks []int) []int64 {
	const bucketBits = 16
	shift := uint(0)
	for uint64(hi-lo)>>shift >= 1<<bucketBits {
		shift++
	}
	counts := make([]int, 1<<bucketBits+1)
	for _, c := range chunks {
		for _, d := range c {
			counts[uint64(d-lo)>>shift+1]++
		}
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	// Bucket b holds ranks counts[b] to counts[b+1]-1.
	out := make([]int64, len(ranks))
	buckets := make([]int, len(ranks))
	for i, k := range ranks {
		b, _ := slices.BinarySearch(counts, k+1)
		buckets[i] = b - 1
	}
	// Collect the values of each wanted bucket once, then select in it.
	wanted := slices.Compact(slices.Sorted(slices.Values(buckets)))
	vals := make([][]int64, len(wanted))
	for _, c := range chunks {
		for _, d := range c {
			b := int(uint64(d-lo) >> shift)
			if j, ok := slices.BinarySearch(wanted, b); ok {
				vals[j] = append(vals[j], d)
			}
		}
	}
	for i, k := range ranks {
		j, _ := slices.BinarySearch(wanted, buckets[i])
		out[i] = selectK(vals[j], k-counts[buckets[i]])
	}
	return out
}

// selectK reorders xs so that xs[k] is the k-th smallest, with nothing
// larger before it and nothing smaller after it, and returns it
// (Hoare's selection with a median-of-three pivot).
func selectK(xs []int64, k int) int64 {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		// Median of three as the pivot.
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return xs[k]
		}
	}
	return xs[k]
}
