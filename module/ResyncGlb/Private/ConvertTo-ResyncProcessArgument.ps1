function ConvertTo-ResyncProcessArgument {
    <#
    .SYNOPSIS
    Quotes one argument for ProcessStartInfo.Arguments so that the program receives it unchanged
    (the Microsoft C runtime's rules, which Node.js follows on Windows and .NET follows elsewhere).
    .DESCRIPTION
    Only for Windows PowerShell 5.1 (.NET Framework), whose ProcessStartInfo has no ArgumentList:
    Invoke-ResyncLabCommand uses ArgumentList wherever it exists. Backslashes are literal except
    before a double quote, so a run of them before a quote (or before the closing quote) is doubled.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)] [AllowEmptyString()] [string] $Argument
    )
    if ($Argument.Length -gt 0 -and $Argument -notmatch '[\s"]') { return $Argument }
    $sb = [System.Text.StringBuilder]::new()
    $null = $sb.Append('"')
    $backslashes = 0
    foreach ($c in $Argument.ToCharArray()) {
        if ($c -eq '\') {
            $backslashes++
            continue
        }
        if ($c -eq '"') {
            $null = $sb.Append([char]'\', 2 * $backslashes + 1).Append('"')
        }
        else {
            $null = $sb.Append([char]'\', $backslashes).Append($c)
        }
        $backslashes = 0
    }
    $null = $sb.Append([char]'\', 2 * $backslashes).Append('"')
    $sb.ToString()
}
