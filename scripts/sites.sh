# sites.sh, sourced by the scripts that record rounds: sites_window
# BENCHTIME COUNT prints how long package sweep's sites pass runs in the one
# round that takes it (SWEEP_SITES): a 32nd of COUNT samples of BENCHTIME
# ("94ms", or "3x" for a count of ops; "off" where that is less than one
# op, or BENCHTIME is neither), so that with what reading the profiles costs it stays within
# 5% of the sweep's time.
sites_window() {
	case $1 in
	*x) if [ $((${1%x} * $2 / 32)) -gt 0 ]; then echo "$((${1%x} * $2 / 32))x"; else echo off; fi ;;
	*ms) echo "$((${1%ms} * $2 / 32))ms" ;;
	*s) echo "$((${1%s} * $2 * 1000 / 32))ms" ;;
	*) echo off ;;
	esac
}
