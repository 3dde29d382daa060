# shellcheck shell=bash
# The start the SLURM tests share (sourced once `work` is set): the cluster script, the process
# helpers, the cluster's directory, an empty work directory, and the cluster stopped on exit.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cluster=$here/scripts/slurm_cluster.sh
# shellcheck source=../../scripts/lib/processes.sh
source "$here/scripts/lib/processes.sh"
export FA_SLURM_DIR=${FA_SLURM_DIR:-/tmp/fa-verify-slurm}
rm -rf "$work" && mkdir -p "$work"
trap 'bash "$cluster" down' EXIT
