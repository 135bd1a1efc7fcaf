package segment

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	"github.com/qunkit/qun"
)

// Reading configuration from JSON is strict across this package, as
// qun.Event and qun.Calendar read theirs: field names are matched exactly,
// case and all; unknown fields and values of the wrong type are refused
// with a *qun.ValidationError naming the field; and what is read is
// validated before it is returned. An admin UI that misspells a field
// hears about it instead of saving a rule that means something else.

// object splits a JSON object into its fields, refusing fields not in
// allowed and fields given twice. null reads as no fields.
func object(data []byte, what string, allowed ...string) (map[string]json.RawMessage, error) {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil, nil
	}
	notObject := qun.Invalid("", "%s must be a JSON object", what)
	if !json.Valid(data) {
		return nil, notObject
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return nil, notObject
	}
	fields := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, notObject
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, notObject
		}
		if _, dup := fields[name]; dup {
			return nil, qun.Invalid(name, "appears twice")
		}
		fields[name] = raw
	}
	for _, name := range sortedKeys(fields) {
		if !slices.Contains(allowed, name) {
			return nil, qun.Invalid(name, "unknown field")
		}
	}
	return fields, nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// field decodes one field into v, naming it in the error.
func field(fields map[string]json.RawMessage, name string, v any, want string) error {
	raw, ok := fields[name]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var ve *qun.ValidationError
		if errors.As(err, &ve) {
			return qun.Within(name, ve)
		}
		return qun.Invalid(name, "must be %s", want)
	}
	return nil
}

// UnmarshalJSON reads a rule from its JSON form strictly (see the package
// documentation) and validates it with [Rule.Validate]. On error r is left
// unchanged.
func (r *Rule) UnmarshalJSON(data []byte) error {
	var v Rule
	if err := v.decode(data, 0); err != nil {
		return err
	}
	if err := v.Validate(); err != nil {
		return err
	}
	*r = v
	return nil
}

var ruleFields = []string{"and", "or", "not", "at_least", "of", "segment", "tags", "attr", "agg", "op", "values", "duration"}

func (r *Rule) decode(data []byte, depth int) error {
	if depth >= MaxDepth {
		return qun.Invalid("", "nests more than %d levels deep", MaxDepth)
	}
	fields, err := object(data, "a rule", ruleFields...)
	if err != nil {
		return err
	}
	list := func(name string) ([]Rule, error) {
		raw, ok := fields[name]
		if !ok || string(bytes.TrimSpace(raw)) == "null" {
			return nil, nil
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, qun.Invalid(name, "must be a list of rules")
		}
		rules := make([]Rule, len(items))
		for i, item := range items {
			if err := rules[i].decode(item, depth+1); err != nil {
				return nil, qun.Within(name+"["+strconv.Itoa(i)+"]", err)
			}
		}
		return rules, nil
	}
	if r.And, err = list("and"); err != nil {
		return err
	}
	if r.Or, err = list("or"); err != nil {
		return err
	}
	if r.Of, err = list("of"); err != nil {
		return err
	}
	if raw, ok := fields["not"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		r.Not = new(Rule)
		if err := r.Not.decode(raw, depth+1); err != nil {
			return qun.Within("not", err)
		}
	}
	if raw, ok := fields["tags"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		r.Tags = new(TagTest)
		if err := r.Tags.decode(raw); err != nil {
			return qun.Within("tags", err)
		}
	}
	if raw, ok := fields["agg"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		r.Agg = new(Aggregate)
		if err := r.Agg.decode(raw); err != nil {
			return qun.Within("agg", err)
		}
	}
	err = errors.Join(
		field(fields, "at_least", &r.AtLeast, "a whole number"),
		field(fields, "segment", &r.Segment, "a segment's name"),
		field(fields, "attr", &r.Attr, "an attribute's name"),
		field(fields, "op", &r.Op, "a test: = != < <= > >= in between contains prefix exists within or before"),
		field(fields, "values", &r.Values, "a list of strings, numbers or bools"),
		field(fields, "duration", &r.Duration, "a duration such as \"30d\""),
	)
	if len(r.Values) == 0 {
		r.Values = nil // an empty list and none are the same
	}
	return err
}

// UnmarshalJSON reads a tag test strictly and validates it.
func (t *TagTest) UnmarshalJSON(data []byte) error {
	var v TagTest
	if err := v.decode(data); err != nil {
		return err
	}
	if err := v.validate(); err != nil {
		return err
	}
	*t = v
	return nil
}

func (t *TagTest) decode(data []byte) error {
	fields, err := object(data, "a tag test", "any", "all", "min_weight")
	if err != nil {
		return err
	}
	err = errors.Join(
		field(fields, "any", &t.Any, "a list of tag names"),
		field(fields, "all", &t.All, "a list of tag names"),
		field(fields, "min_weight", &t.MinWeight, "a number"),
	)
	if len(t.Any) == 0 {
		t.Any = nil
	}
	if len(t.All) == 0 {
		t.All = nil
	}
	return err
}

// UnmarshalJSON reads an aggregate strictly and validates it. Its event
// filter is read strictly too, down to each condition.
func (a *Aggregate) UnmarshalJSON(data []byte) error {
	var v Aggregate
	if err := v.decode(data); err != nil {
		return err
	}
	if err := v.validate(); err != nil {
		return err
	}
	*a = v
	return nil
}

func (a *Aggregate) decode(data []byte) error {
	fields, err := object(data, "an aggregate", "func", "event", "window")
	if err != nil {
		return err
	}
	if raw, ok := fields["event"]; ok {
		if err := decodeFilter(raw, &a.Event); err != nil {
			return qun.Within("event", err)
		}
	}
	return errors.Join(
		field(fields, "func", &a.Func, "count, sum, first or last"),
		field(fields, "window", &a.Window, "a duration such as \"90d\""),
	)
}

// decodeFilter reads a qun.EventFilter with exact field names.
func decodeFilter(data []byte, f *qun.EventFilter) error {
	fields, err := object(data, "an event filter", "name", "where")
	if err != nil {
		return err
	}
	if err := field(fields, "name", &f.Name, "an event name"); err != nil {
		return err
	}
	raw, ok := fields["where"]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return qun.Invalid("where", "must be a list of conditions")
	}
	for i, item := range items {
		var c qun.Condition
		path := "where[" + strconv.Itoa(i) + "]"
		cf, err := object(item, "a condition", "prop", "op", "values")
		if err == nil {
			err = errors.Join(
				field(cf, "prop", &c.Prop, "a property key"),
				field(cf, "op", &c.Op, "a PostHog operator such as exact or gte"),
				field(cf, "values", &c.Values, "a list of strings"),
			)
		}
		if err != nil {
			return qun.Within(path, err)
		}
		f.Where = append(f.Where, c)
	}
	return nil
}

// UnmarshalJSON reads a schema strictly and validates it.
func (s *Schema) UnmarshalJSON(data []byte) error {
	fields, err := object(data, "a schema", "attributes", "tags")
	if err != nil {
		return err
	}
	var v Schema
	if raw, ok := fields["attributes"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return qun.Invalid("attributes", "must be a list of attributes")
		}
		for i, item := range items {
			var a Attribute
			af, err := object(item, "an attribute", "name", "type")
			if err == nil {
				err = errors.Join(
					field(af, "name", &a.Name, "a name"),
					field(af, "type", &a.Type, "string, number, decimal, bool, time or strings"),
				)
			}
			if err != nil {
				return qun.Within("attributes["+strconv.Itoa(i)+"]", err)
			}
			v.Attributes = append(v.Attributes, a)
		}
	}
	if err := field(fields, "tags", &v.Tags, "a list of tag names"); err != nil {
		return err
	}
	if len(v.Tags) == 0 {
		v.Tags = nil // an empty list and none are the same
	}
	if err := v.Validate(); err != nil {
		return err
	}
	*s = v
	return nil
}

// UnmarshalJSON reads interests strictly (see the package documentation)
// and validates them. On error in is left unchanged.
func (in *Interests) UnmarshalJSON(data []byte) error {
	fields, err := object(data, "interests", "decay", "threshold", "rules")
	if err != nil {
		return err
	}
	var v Interests
	if raw, ok := fields["decay"]; ok {
		df, err := object(raw, "a decay", "half_life")
		if err == nil {
			err = field(df, "half_life", &v.Decay.HalfLife, "a duration such as \"30d\"")
		}
		if err != nil {
			return qun.Within("decay", err)
		}
	}
	if err := field(fields, "threshold", &v.Threshold, "a number"); err != nil {
		return err
	}
	if raw, ok := fields["rules"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return qun.Invalid("rules", "must be a list of rules")
		}
		for i, item := range items {
			var r InterestRule
			rf, err := object(item, "an interest rule", "event", "tag", "tag_prop", "prefix", "weight")
			if err == nil {
				if raw, ok := rf["event"]; ok {
					err = qun.Within("event", decodeFilter(raw, &r.Event))
				}
			}
			if err == nil {
				err = errors.Join(
					field(rf, "tag", &r.Tag, "a tag name"),
					field(rf, "tag_prop", &r.TagProp, "a property key"),
					field(rf, "prefix", &r.Prefix, "a string"),
					field(rf, "weight", &r.Weight, "a number"),
				)
			}
			if err != nil {
				return qun.Within("rules["+strconv.Itoa(i)+"]", err)
			}
			v.Rules = append(v.Rules, r)
		}
	}
	if err := v.Validate(); err != nil {
		return err
	}
	*in = v
	return nil
}

// UnmarshalJSON reads a portrait spec strictly. Whether its attributes and
// tags exist is checked when a portrait is drawn.
func (p *PortraitSpec) UnmarshalJSON(data []byte) error {
	fields, err := object(data, "a portrait spec", "histograms", "top", "tags")
	if err != nil {
		return err
	}
	var v PortraitSpec
	list := func(name string, each func(i int, item json.RawMessage) error) error {
		raw, ok := fields[name]
		if !ok || string(bytes.TrimSpace(raw)) == "null" {
			return nil
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return qun.Invalid(name, "must be a list")
		}
		for i, item := range items {
			if err := each(i, item); err != nil {
				return qun.Within(name+"["+strconv.Itoa(i)+"]", err)
			}
		}
		return nil
	}
	err = errors.Join(
		list("histograms", func(i int, item json.RawMessage) error {
			var h HistogramSpec
			hf, err := object(item, "a histogram", "attr", "bounds")
			if err == nil {
				err = errors.Join(field(hf, "attr", &h.Attr, "an attribute's name"), field(hf, "bounds", &h.Bounds, "a list of numbers"))
			}
			v.Histograms = append(v.Histograms, h)
			return err
		}),
		list("top", func(i int, item json.RawMessage) error {
			var t TopSpec
			tf, err := object(item, "a top", "attr", "k")
			if err == nil {
				err = errors.Join(field(tf, "attr", &t.Attr, "an attribute's name"), field(tf, "k", &t.K, "a whole number"))
			}
			v.Top = append(v.Top, t)
			return err
		}),
		field(fields, "tags", &v.Tags, "a list of tag names"),
	)
	if err != nil {
		return err
	}
	if len(v.Tags) == 0 {
		v.Tags = nil
	}
	*p = v
	return nil
}
