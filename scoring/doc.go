// Package scoring turns community activity into numbers operators act on.
package scoring
