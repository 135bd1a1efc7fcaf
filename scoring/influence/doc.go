// Package influence finds who matters in a community's network.
package influence
