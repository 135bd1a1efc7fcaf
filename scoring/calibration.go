package scoring

import (
	"cmp"
	"slices"
)

// Bin is one bin of a calibration table: a group of predictions of
// similar size, their mean, and how often the outcome actually happened.
// A well-calibrated model has Predicted close to Observed in every bin.
type Bin struct {
	// Count is the number of predictions in the bin.
	Count int `json:"count"`
	// Low is the smallest prediction in the bin.
	Low float64 `json:"low"`
	// High is the largest prediction in the bin.
	High float64 `json:"high"`
	// Predicted is the mean prediction in the bin.
	Predicted float64 `json:"predicted"`
	// Observed is the share of the bin whose outcome happened.
	Observed float64 `json:"observed"`
}

// Calibrate compares predictions with outcomes by quantile of prediction
// (predicted versus observed by decile, for bins = 10): it sorts the
// predictions (keeping the input order among equal ones), splits them into
// bins of equal count (the first len%bins bins hold one more, as
// numpy.array_split splits), and reports each bin. This is scikit-learn's
// calibration_curve with strategy="quantile", except that bins are cut by
// rank rather than at quantile values, so ties never leave a bin empty.
// With fewer predictions than bins, each prediction is its own bin; bins
// of zero or less mean 10. Predictions beyond len(observed) are ignored.
func Calibrate(predicted []float64, observed []bool, bins int) []Bin {
	n := min(len(predicted), len(observed))
	if n == 0 {
		return nil
	}
	if bins <= 0 {
		bins = 10
	}
	bins = min(bins, n)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(predicted[a], predicted[b]) })
	out := make([]Bin, bins)
	start := 0
	for b := range bins {
		size := n / bins
		if b < n%bins {
			size++
		}
		bin := Bin{Count: size, Low: predicted[order[start]], High: predicted[order[start+size-1]]}
		positives := 0
		for _, i := range order[start : start+size] {
			bin.Predicted += predicted[i]
			if observed[i] {
				positives++
			}
		}
		bin.Predicted /= float64(size)
		bin.Observed = float64(positives) / float64(size)
		out[b] = bin
		start += size
	}
	return out
}
