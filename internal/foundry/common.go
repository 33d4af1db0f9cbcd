package foundry

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
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
)

func datasetRIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(datasetRIDRE, "must be a dataset RID, ri.foundry.main.dataset.<uuid>")}
}

func branchValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthAtLeast(1),
		validate.String("a branch name, not a RID or a UUID", validate.Not(notRIDOrUUID, "must be a branch name, not a RID or a UUID")),
	}
}

// filePathValidator checks a Foundry file path: relative, without empty, "." or ".." parts.
var filePathValidator = validate.String("a relative file path such as dir/file.csv: no leading /, no empty, . or .. parts", validate.RelativePath)

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
