# fish completion for stresswsl. Every name comes from the installed program at completion time
# (`stresswsl help`, `COMMAND --help`, `list --names`), so nothing here needs editing when commands,
# options, profiles or workloads are added.

function __stresswsl_commands
    stresswsl help 2>/dev/null | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}'
end

# The command on the line so far; run when none is given (the default command).
function __stresswsl_current_command
    set -l cmds (__stresswsl_commands)
    for w in (commandline -opc)[2..-1]
        if contains -- $w $cmds
            echo $w
            return
        end
        string match -q -- '-*' $w; and break
    end
    echo run
end

function __stresswsl_options
    # The options the command's --help defines: in its usage lines and those that start a line.
    stresswsl (__stresswsl_current_command) --help 2>/dev/null | awk '/^usage:/ {u = 1} u && /^$/ {u = 0} {l = $0; if (!u) {if (l !~ /^ +-/) next; sub(/^ +/, "", l); sub(/  +.*/, "", l)} while (match(l, /(^|[^a-zA-Z0-9-])--?[a-zA-Z][a-zA-Z0-9-]*/)) {o = substr(l, RSTART, RLENGTH); sub(/^[^-]/, "", o); print o; l = substr(l, RSTART + RLENGTH)}}' | sort -u
end

function __stresswsl_pin_policies
    stresswsl run --help 2>/dev/null | string replace -rf '^pin policies: ' '' | string replace -a ',' '' | string split ' '
end

function __stresswsl_workload_list
    set -l tok (commandline -ct)
    set -l done (string replace -r '[^,]*$' '' -- $tok)
    for w in (stresswsl list workloads --names 2>/dev/null)
        echo $done$w
    end
end

complete -c stresswsl -f
complete -c stresswsl -n '__fish_is_first_arg' -a '(__stresswsl_commands)'
complete -c stresswsl -n '__fish_seen_subcommand_from help' -a '(__stresswsl_commands)'
complete -c stresswsl -n '__fish_seen_subcommand_from list' -a 'profiles workloads'
complete -c stresswsl -n 'string match -q -- "-*" (commandline -ct)' -a '(__stresswsl_options)'
# Option arguments (by the previous word: the options themselves come from --help above).
complete -c stresswsl -n '__fish_prev_arg_in --profile -p' -f -a '(stresswsl list profiles --names 2>/dev/null)'
complete -c stresswsl -n '__fish_prev_arg_in --profile -p; and string match -q -- "*/*" (commandline -ct)' -f \
    -a '(__fish_complete_suffix .json)'
complete -c stresswsl -n '__fish_prev_arg_in --workload' -f -a '(__stresswsl_workload_list)'
complete -c stresswsl -n '__fish_prev_arg_in --pin' -f -a '(__stresswsl_pin_policies)'
complete -c stresswsl -n '__fish_prev_arg_in --out -o --state-dir --mirror --sysroot --host-replay' -f \
    -a '(__fish_complete_directories (commandline -ct))'
complete -c stresswsl -n '__fish_prev_arg_in --json --topology --facts --cpuid-dump' -F
