package foundry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

// connect is where the Foundry client meets the provider.
func connect(data *providerdata.Data, typeName string) (*Client, diag.Diagnostics) {
	conn, diags := data.Require(providerdata.Foundry, typeName)
	if diags.HasError() {
		return nil, diags
	}
	return NewClient(conn.Endpoint, conn.Secret, conn.HTTP), diags
}

var (
	datasetRIDRE = regexp.MustCompile(`^ri\.foundry\.main\.dataset\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	// A branch name must not look like a RID or a UUID (InvalidBranchId).
	notRIDOrUUID = regexp.MustCompile(`^ri\.|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// A file path is relative, without empty, "." or ".." segments.
	filePathRE = regexp.MustCompile(`^([^/]+/)*[^/]+$`)
)

func datasetRIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(datasetRIDRE, "must be a dataset RID, ri.foundry.main.dataset.<uuid>")}
}

func branchValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthAtLeast(1),
		notMatching(notRIDOrUUID, "must be a branch name, not a RID or a UUID"),
	}
}

func filePathValidators() []validator.String {
	return []validator.String{validPathSegments{}}
}

// validPathSegments checks a Foundry file path.
type validPathSegments struct{}

func (validPathSegments) Description(context.Context) string {
	return "must be a relative file path such as dir/file.csv: no leading /, no empty, . or .. parts"
}

func (v validPathSegments) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (validPathSegments) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkPath(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Foundry file path", err.Error())
	}
}

func checkPath(p string) error {
	if !filePathRE.MatchString(p) {
		return fmt.Errorf("%q must be a relative file path such as dir/file.csv: no leading /, no empty parts", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%q must not contain . or .. segments", p)
		}
	}
	return nil
}

type notMatchingValidator struct {
	re  *regexp.Regexp
	msg string
}

func notMatching(re *regexp.Regexp, msg string) validator.String {
	return notMatchingValidator{re, msg}
}

func (v notMatchingValidator) Description(context.Context) string         { return v.msg }
func (v notMatchingValidator) MarkdownDescription(context.Context) string { return v.msg }
func (v notMatchingValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v.re.MatchString(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Foundry branch", fmt.Sprintf("%q %s.", req.ConfigValue.ValueString(), v.msg))
	}
}

// sha256Hex is the hex SHA-256 of b.
func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// readSource reads a local source file.
func readSource(path string) ([]byte, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the user names the file to upload
	if err != nil {
		return nil, fmt.Errorf("reading source %q: %w", path, err)
	}
	return b, nil
}

// isFileGone says whether err is Foundry's "no such file" for a delete.
func isFileGone(err error) bool {
	n := ErrorName(err)
	return n == ErrFileNotFoundOnBranch || n == ErrFileNotFoundOnRange
}
