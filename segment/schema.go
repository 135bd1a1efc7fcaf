package segment

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/qunkit/qun"
)

// Schema declares what rules may test: the members' typed attributes and
// the tag taxonomy. Rules are compiled against it (see [Compile]), so a
// misspelt attribute, a comparison of a city with a number or a tag nobody
// declared is refused when the rule is saved, not discovered when it
// silently matches no one.
//
// Lifecycle states and scores are ordinary attributes here: a host that
// tracks the member lifecycle declares {"name":"lifecycle","type":"string"},
// one that scores engagement declares {"name":"engagement","type":"number"},
// and supplies the values in each [Record].
//
// Its JSON form is
//
//	{"attributes":[{"name":"city","type":"string"},{"name":"age","type":"number"}],
//	 "tags":["wine/italian","wine/french","course/beginner"]}
//
// The zero Schema declares nothing: rules compiled against it may test
// only events and segment references.
type Schema struct {
	// Attributes are the member attributes rules may test, each with a
	// unique name. The default, none, lets rules test no attribute.
	Attributes []Attribute `json:"attributes"`
	// Tags is the tag taxonomy: every tag a rule may name, as valid tag
	// names (see [CheckTagName]), each once. Declaring "wine/italian"
	// declares "wine" too. A member's tags outside the taxonomy are
	// allowed, and count for the declared tags above them. The default,
	// none, lets rules test no tag.
	Tags []string `json:"tags,omitempty"`
}

// Attribute is one typed member attribute. Its JSON form is
// {"name":"city","type":"string"}.
type Attribute struct {
	// Name is how rules refer to it: an identifier (a letter or _, then
	// letters, digits or _; Unicode letters count, so 城市 is one) of at
	// most 256 bytes that is not a reserved word of the rule language.
	// Required.
	Name string `json:"name"`
	// Type is the type of its values: "string", "number", "decimal",
	// "bool", "time" or "strings". Required; the zero Type is invalid.
	Type Type `json:"type"`
}

// Validate reports every problem with s, joined: attribute names must be
// identifiers and unique, types known, and tags valid, unique names.
func (s Schema) Validate() error {
	var errs []error
	seen := make(map[string]int, len(s.Attributes))
	for i, a := range s.Attributes {
		field := "attributes[" + strconv.Itoa(i) + "]"
		if reason := attrNameProblem(a.Name); reason != "" {
			errs = append(errs, qun.Invalid(field+".name", reason))
		} else if j, dup := seen[a.Name]; dup {
			errs = append(errs, qun.Invalid(field+".name", "repeats attributes[%d]", j))
		} else {
			seen[a.Name] = i
		}
		if !a.Type.IsValid() {
			errs = append(errs, qun.Invalid(field+".type", "must be string, number, decimal, bool, time or strings"))
		}
	}
	tags := make(map[string]int, len(s.Tags))
	for i, t := range s.Tags {
		field := "tags[" + strconv.Itoa(i) + "]"
		if err := CheckTagName(t); err != nil {
			errs = append(errs, qun.Within(field, err))
		} else if j, dup := tags[t]; dup {
			errs = append(errs, qun.Invalid(field, "repeats tags[%d]", j))
		} else {
			tags[t] = i
		}
	}
	return errors.Join(errs...)
}

// Type is the type of an attribute's values.
type Type uint8

// The attribute types.
const (
	// TypeString is text, compared exactly ("string").
	TypeString Type = iota + 1
	// TypeNumber is a float64, for scores, ages and counts ("number").
	TypeNumber
	// TypeDecimal is an exact decimal.Decimal, for money and points
	// ("decimal").
	TypeDecimal
	// TypeBool is true or false ("bool").
	TypeBool
	// TypeTime is an instant ("time").
	TypeTime
	// TypeStrings is a list of strings, such as a member's interests or
	// languages ("strings").
	TypeStrings
)

var typeNames = [...]string{
	TypeString: "string", TypeNumber: "number", TypeDecimal: "decimal",
	TypeBool: "bool", TypeTime: "time", TypeStrings: "strings",
}

// IsValid reports whether t is one of the types.
func (t Type) IsValid() bool { return t >= TypeString && t <= TypeStrings }

// String returns the type's name, such as "decimal".
func (t Type) String() string {
	if !t.IsValid() {
		return fmt.Sprintf("Type(%d)", uint8(t))
	}
	return typeNames[t]
}

// MarshalText writes the type's name; it refuses an invalid type.
func (t Type) MarshalText() ([]byte, error) {
	if !t.IsValid() {
		return nil, fmt.Errorf("segment: marshal type %d: %w", uint8(t), qun.Invalid("", "not a type"))
	}
	return []byte(typeNames[t]), nil
}

// UnmarshalText reads a type's name.
func (t *Type) UnmarshalText(text []byte) error {
	for v := TypeString; v <= TypeStrings; v++ {
		if typeNames[v] == string(text) {
			*t = v
			return nil
		}
	}
	return fmt.Errorf("segment: parse type %q: %w", text, qun.Invalid("", "want string, number, decimal, bool, time or strings"))
}
