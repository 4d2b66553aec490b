function Get-ResyncRequestorCompletion {
    <#
    .SYNOPSIS
    Tab completion for -Requestor: the lab's Remote Dirsync Requestor names when -LabPath is given.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.CompletionResult])]
    param(
        [AllowEmptyString()] [string] $WordToComplete,
        [System.Collections.IDictionary] $FakeBoundParameters
    )
    if ($null -eq $FakeBoundParameters -or -not $FakeBoundParameters.Contains('LabPath')) { return }
    $labFile = [System.IO.Path]::Combine([string]$FakeBoundParameters['LabPath'], 'lab.json')
    if (-not [System.IO.File]::Exists($labFile)) { return }
    try {
        $lab = ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($labFile))
    }
    catch {
        return
    }
    $prefix = $WordToComplete.Trim("'", '"')
    foreach ($requestor in @(Get-ResyncProperty $lab 'requestors' @())) {
        foreach ($kind in @('displayName', 'commonName', 'rdn')) {
            $name = [string](Get-ResyncProperty $requestor $kind '')
            if ($name -and $name.StartsWith($prefix, [System.StringComparison]::OrdinalIgnoreCase)) {
                $text = "'" + [System.Management.Automation.Language.CodeGeneration]::EscapeSingleQuotedStringContent($name) + "'"
                [System.Management.Automation.CompletionResult]::new($text, $name, [System.Management.Automation.CompletionResultType]::ParameterValue, "$kind of a lab requestor")
            }
        }
    }
}
