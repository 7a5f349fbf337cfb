# bash completion for stresswsl. Every name comes from the installed program at completion time
# (`stresswsl help`, `COMMAND --help`, `list --names`), so new commands, options, profiles and
# workloads complete without editing this file.

_stresswsl_commands() {
    "$1" help 2>/dev/null | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}'
}

# The options a command's --help defines: those in its usage lines and those that start a line.
_stresswsl_options() {
    "$1" "$2" --help 2>/dev/null | awk '/^usage:/ {u = 1} u && /^$/ {u = 0} {l = $0; if (!u) {if (l !~ /^ +-/) next; sub(/^ +/, "", l); sub(/  +.*/, "", l)} while (match(l, /(^|[^a-zA-Z0-9-])--?[a-zA-Z][a-zA-Z0-9-]*/)) {o = substr(l, RSTART, RLENGTH); sub(/^[^-]/, "", o); print o; l = substr(l, RSTART + RLENGTH)}}' | sort -u
}

_stresswsl_pin_policies() {
    "$1" run --help 2>/dev/null | sed -n 's/^pin policies: //p' | tr -d ',' | tr ' ' '\n' | grep -E '^[a-z-]+$'
}

_stresswsl() {
    local cur prev prog cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    prog=${COMP_WORDS[0]}
    local cmds
    cmds=$(_stresswsl_commands "$prog" | tr '\n' ' ')
    cmd=run
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ " $cmds " == *" ${COMP_WORDS[i]} "* ]]; then
            cmd=${COMP_WORDS[i]}
            break
        fi
        [[ ${COMP_WORDS[i]} == -* ]] && break   # options first: the default command, run
    done

    case $prev in
    --profile|-p)
        if [[ $cur == */* || $cur == .* ]]; then   # a profile file
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$("$prog" list profiles --names 2>/dev/null)" -- "$cur"))
        fi
        return ;;
    --workload)
        local done_part=${cur%"${cur##*,}"} last=${cur##*,}
        COMPREPLY=($(compgen -P "$done_part" -W "$("$prog" list workloads --names 2>/dev/null)" -- "$last"))
        compopt -o nospace 2>/dev/null
        return ;;
    --pin)
        COMPREPLY=($(compgen -W "$(_stresswsl_pin_policies "$prog")" -- "$cur"))
        return ;;
    --out|-o|--state-dir|--mirror|--sysroot|--host-replay)
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    --json|--topology|--facts|--cpuid-dump)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    --duration|--trials|--workers|--memory|--param|--seed|--host-timeout|-d|-w|-j|-m)
        return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_stresswsl_options "$prog" "$cmd")" -- "$cur"))
    elif ((COMP_CWORD == 1)) || [[ $cmd == help ]]; then
        COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
    elif [[ $cmd == list ]]; then
        COMPREPLY=($(compgen -W "profiles workloads" -- "$cur"))
    else
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _stresswsl stresswsl
