package qun_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDocComments checks that every exported name of every package of the
// library has a doc comment: each type, function, method, constant and
// variable, and each exported field of an exported struct or method of an
// exported interface, so that go doc answers every question a host has
// about a configuration field (what it means, its unit, its default). A
// field may share the comment of the field above it when no blank line
// parts them ("From and To bound ...").
func TestDocComments(t *testing.T) {
	var dirs []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != "." && (name == "examples" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		dirs = append(dirs, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		for _, missing := range undocumented(t, dir) {
			t.Errorf("%s has no doc comment", missing)
		}
	}
}

// undocumented returns the exported names of the package in dir, outside
// its tests, that have no doc comment, as "file:line: name".
func undocumented(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	miss := func(pos token.Pos, name string) {
		p := fset.Position(pos)
		out = append(out, filepath.Join(dir, filepath.Base(p.Filename))+":"+strconv.Itoa(p.Line)+": "+name)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() || d.Recv != nil && !ast.IsExported(receiverType(d.Recv.List[0].Type)) {
					continue
				}
				if d.Doc == nil {
					label := d.Name.Name
					if d.Recv != nil {
						label = receiverType(d.Recv.List[0].Type) + "." + label
					}
					miss(d.Pos(), label)
				}
			case *ast.GenDecl:
				valueShared, valueBelow := d.Doc != nil, fset.Position(d.Lparen).Line
				if !d.Lparen.IsValid() {
					valueBelow = fset.Position(d.Pos()).Line - 1
				}
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							continue
						}
						if s.Doc == nil && (d.Doc == nil || len(d.Specs) > 1) {
							miss(s.Pos(), s.Name.Name)
						}
						var fields *ast.FieldList
						switch st := s.Type.(type) {
						case *ast.StructType:
							fields = st.Fields
						case *ast.InterfaceType:
							fields = st.Methods
						}
						if fields == nil {
							continue
						}
						// A field without a comment of its own shares
						// the one of the field right above it.
						shared, below := false, -1
						for _, field := range fields.List {
							line := fset.Position(field.Pos()).Line
							switch {
							case field.Doc != nil || field.Comment != nil:
								shared = true
							case line != below+1:
								shared = false
							}
							below = fset.Position(field.End()).Line
							for _, n := range field.Names {
								if n.IsExported() && !shared {
									miss(n.Pos(), s.Name.Name+"."+n.Name)
								}
							}
						}
					case *ast.ValueSpec:
						// A constant or variable without a comment of
						// its own shares the one of the line right above
						// it: the group's, or the one before it.
						line := fset.Position(s.Pos()).Line
						switch {
						case s.Doc != nil || s.Comment != nil:
							valueShared = true
						case line != valueBelow+1:
							valueShared = false
						}
						valueBelow = fset.Position(s.End()).Line
						for _, n := range s.Names {
							if n.IsExported() && !valueShared {
								miss(n.Pos(), n.Name)
							}
						}
					}
				}
			}
		}
	}
	return out
}

// receiverType returns the name of a method's receiver type.
func receiverType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverType(e.X)
	case *ast.IndexExpr:
		return receiverType(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}
