# ---------------------------------------------------------------------------------------------
# JSON (PowerShell 2.0 compatible; see _Common.ps1 for why not ConvertFrom-Json)
# ---------------------------------------------------------------------------------------------

function ConvertFrom-DssJson {
    <#
    .SYNOPSIS
        Parses JSON text into hashtables, object arrays, strings, booleans, numbers and $null.
    .DESCRIPTION
        Strings stay strings, exactly as sent. Integral numbers become [long], others [double].
    #>
    param([Parameter(Mandatory=$true)][AllowEmptyString()][string]$Json)
    $state = @{ Text = $Json; Pos = 0 }
    $value = Read-DssJsonValue -State $state
    Skip-DssJsonSpace -State $state
    if ($state.Pos -ne $state.Text.Length) {
        throw (New-DssException -Id 'ProtocolError' -Message ('Unexpected text after the JSON value at offset ' + $state.Pos + '.'))
    }
    return ,$value
}

function Skip-DssJsonSpace {
    param([Parameter(Mandatory=$true)][hashtable]$State)
    $t = $State.Text
    while ($State.Pos -lt $t.Length) {
        $c = $t[$State.Pos]
        if ($c -eq ' ' -or $c -eq "`t" -or $c -eq "`r" -or $c -eq "`n") { $State.Pos++ } else { break }
    }
}

function Read-DssJsonValue {
    param([Parameter(Mandatory=$true)][hashtable]$State)
    Skip-DssJsonSpace -State $State
    $t = $State.Text
    if ($State.Pos -ge $t.Length) {
        throw (New-DssException -Id 'ProtocolError' -Message 'The JSON text ended where a value was expected.')
    }
    $c = $t[$State.Pos]
    if ($c -eq '{') {
        $State.Pos++
        $result = @{}
        Skip-DssJsonSpace -State $State
        if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq '}') { $State.Pos++; return ,$result }
        while ($true) {
            Skip-DssJsonSpace -State $State
            if ($State.Pos -ge $t.Length -or $t[$State.Pos] -ne '"') {
                throw (New-DssException -Id 'ProtocolError' -Message ('A JSON object key was expected at offset ' + $State.Pos + '.'))
            }
            $key = Read-DssJsonString -State $State
            Skip-DssJsonSpace -State $State
            if ($State.Pos -ge $t.Length -or $t[$State.Pos] -ne ':') {
                throw (New-DssException -Id 'ProtocolError' -Message ('":" was expected at offset ' + $State.Pos + '.'))
            }
            $State.Pos++
            $result[$key] = Read-DssJsonValue -State $State
            Skip-DssJsonSpace -State $State
            if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq ',') { $State.Pos++; continue }
            if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq '}') { $State.Pos++; return ,$result }
            throw (New-DssException -Id 'ProtocolError' -Message ('"," or "}" was expected at offset ' + $State.Pos + '.'))
        }
    }
    if ($c -eq '[') {
        $State.Pos++
        $list = New-Object System.Collections.ArrayList
        Skip-DssJsonSpace -State $State
        if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq ']') { $State.Pos++; return ,($list.ToArray()) }
        while ($true) {
            $item = Read-DssJsonValue -State $State
            [void]$list.Add($item)
            Skip-DssJsonSpace -State $State
            if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq ',') { $State.Pos++; continue }
            if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq ']') { $State.Pos++; return ,($list.ToArray()) }
            throw (New-DssException -Id 'ProtocolError' -Message ('"," or "]" was expected at offset ' + $State.Pos + '.'))
        }
    }
    if ($c -eq '"') { return (Read-DssJsonString -State $State) }
    if ($t.Length -ge $State.Pos + 4 -and $t.Substring($State.Pos, 4) -eq 'true') { $State.Pos += 4; return $true }
    if ($t.Length -ge $State.Pos + 5 -and $t.Substring($State.Pos, 5) -eq 'false') { $State.Pos += 5; return $false }
    if ($t.Length -ge $State.Pos + 4 -and $t.Substring($State.Pos, 4) -eq 'null') { $State.Pos += 4; return $null }
    $m = [System.Text.RegularExpressions.Regex]::Match($t.Substring($State.Pos), '^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?')
    if ($m.Success -and $m.Length -gt 0) {
        $State.Pos += $m.Length
        $inv = [System.Globalization.CultureInfo]::InvariantCulture
        if ($m.Groups[2].Success -or $m.Groups[3].Success) {
            return [double]::Parse($m.Value, [System.Globalization.NumberStyles]::Float, $inv)
        }
        return [long]::Parse($m.Value, [System.Globalization.NumberStyles]::AllowLeadingSign, $inv)
    }
    throw (New-DssException -Id 'ProtocolError' -Message ('Unexpected character in JSON at offset ' + $State.Pos + '.'))
}

function Read-DssJsonString {
    param([Parameter(Mandatory=$true)][hashtable]$State)
    $t = $State.Text
    $State.Pos++  # the opening quote
    $sb = New-Object System.Text.StringBuilder
    $stops = [char[]]@([char]'"', [char]'\')
    while ($true) {
        $next = $t.IndexOfAny($stops, $State.Pos)
        if ($next -lt 0) { throw (New-DssException -Id 'ProtocolError' -Message 'A JSON string is not terminated.') }
        [void]$sb.Append($t, $State.Pos, $next - $State.Pos)
        $State.Pos = $next + 1
        if ($t[$next] -eq '"') { return $sb.ToString() }
        if ($State.Pos -ge $t.Length) { throw (New-DssException -Id 'ProtocolError' -Message 'A JSON escape is not terminated.') }
        $e = $t[$State.Pos]
        $State.Pos++
        switch -CaseSensitive ([string]$e) {
            '"' { [void]$sb.Append('"') }
            '\' { [void]$sb.Append('\') }
            '/' { [void]$sb.Append('/') }
            'b' { [void]$sb.Append([char]8) }
            'f' { [void]$sb.Append([char]12) }
            'n' { [void]$sb.Append([char]10) }
            'r' { [void]$sb.Append([char]13) }
            't' { [void]$sb.Append([char]9) }
            'u' {
                if ($State.Pos + 4 -gt $t.Length) { throw (New-DssException -Id 'ProtocolError' -Message 'A \u escape is cut short.') }
                $hex = $t.Substring($State.Pos, 4)
                if ($hex -notmatch '^[0-9A-Fa-f]{4}$') { throw (New-DssException -Id 'ProtocolError' -Message 'A \u escape has no four hex digits.') }
                [void]$sb.Append([char][Convert]::ToInt32($hex, 16))
                $State.Pos += 4
            }
            default { throw (New-DssException -Id 'ProtocolError' -Message ('Unknown JSON escape \' + $e + '.')) }
        }
    }
}

function ConvertTo-DssJsonString {
    param([Parameter(Mandatory=$true)][AllowEmptyString()][string]$Text)
    # The common case (base64, ASCII names, paths) has nothing to escape: no character loop.
    if ($Text -match '^[\x20\x21\x23-\x5B\x5D-\x7E]*$') { return '"' + $Text + '"' }
    $sb = New-Object System.Text.StringBuilder
    [void]$sb.Append('"')
    foreach ($ch in $Text.ToCharArray()) {
        $code = [int]$ch
        if ($ch -eq '"') { [void]$sb.Append('\"') }
        elseif ($ch -eq '\') { [void]$sb.Append('\\') }
        elseif ($code -lt 0x20 -or $code -gt 0x7E) { [void]$sb.Append('\u').Append($code.ToString('x4')) }
        else { [void]$sb.Append($ch) }
    }
    [void]$sb.Append('"')
    return $sb.ToString()
}

function ConvertTo-DssJson {
    <#
    .SYNOPSIS
        Writes a value as compressed, pure-ASCII JSON. Dictionaries become objects, other
        collections arrays; deserialized remote results (ArrayList, PSObject) are handled.
    #>
    param([AllowNull()]$Value)
    if ($null -eq $Value) { return 'null' }
    if ($Value -is [System.Management.Automation.PSObject]) {
        if ($Value.PSObject.BaseObject -is [System.Management.Automation.PSCustomObject]) {
            # Properties of a PSCustomObject live on its PSObject wrapper, not on the base object.
            $parts = New-Object System.Collections.ArrayList
            foreach ($p in $Value.PSObject.Properties) {
                [void]$parts.Add((ConvertTo-DssJsonString -Text $p.Name) + ':' + (ConvertTo-DssJson -Value $p.Value))
            }
            return '{' + [string]::Join(',', [string[]]$parts.ToArray()) + '}'
        }
        $Value = $Value.PSObject.BaseObject
    }
    if ($Value -is [string] -or $Value -is [char]) { return (ConvertTo-DssJsonString -Text ([string]$Value)) }
    if ($Value -is [bool]) { if ($Value) { return 'true' } else { return 'false' } }
    $inv = [System.Globalization.CultureInfo]::InvariantCulture
    if ($Value -is [int] -or $Value -is [long] -or $Value -is [int16] -or $Value -is [byte] -or $Value -is [uint32] -or $Value -is [uint64] -or $Value -is [uint16] -or $Value -is [sbyte]) {
        return $Value.ToString($inv)
    }
    if ($Value -is [double] -or $Value -is [single] -or $Value -is [decimal]) {
        if ($Value -is [double] -and ([double]::IsNaN($Value) -or [double]::IsInfinity($Value))) { return 'null' }
        return $Value.ToString('R', $inv)
    }
    if ($Value -is [DateTime]) {
        return (ConvertTo-DssJsonString -Text $Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", $inv))
    }
    if ($Value -is [System.Enum]) { return (ConvertTo-DssJsonString -Text $Value.ToString()) }
    if ($Value -is [System.Collections.IDictionary]) {
        $parts = New-Object System.Collections.ArrayList
        foreach ($key in $Value.Keys) {
            [void]$parts.Add((ConvertTo-DssJsonString -Text ([string]$key)) + ':' + (ConvertTo-DssJson -Value $Value[$key]))
        }
        return '{' + [string]::Join(',', [string[]]$parts.ToArray()) + '}'
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        $parts = New-Object System.Collections.ArrayList
        foreach ($item in $Value) { [void]$parts.Add((ConvertTo-DssJson -Value $item)) }
        return '[' + [string]::Join(',', [string[]]$parts.ToArray()) + ']'
    }
    return (ConvertTo-DssJsonString -Text ([string]$Value))
}
