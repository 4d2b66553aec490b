function ConvertTo-ResyncOutput {
    <#
    .SYNOPSIS
    Turns a protocol result's data into a typed output object: plain data properties only (they
    survive remoting), times as UTC DateTime, durations as TimeSpan, and the PSTypeName first.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)] [string] $TypeName,
        [Parameter(Mandatory = $true)] [object] $Data
    )
    $ordered = [ordered]@{}
    foreach ($property in $Data.PSObject.Properties) {
        $value = $property.Value
        if ($property.Name -like '*TimeUtc' -and $null -ne $value) {
            if ($value -is [datetime]) {
                $value = $value.ToUniversalTime()
            }
            else {
                $value = [datetime]::Parse([string]$value, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]'AdjustToUniversal, AssumeUniversal')
            }
        }
        elseif ($property.Name -eq 'Duration' -and $null -ne $value) {
            $value = [timespan]::FromSeconds([double]$value)
        }
        elseif ($property.Name -eq 'Requestor' -and $null -ne $value) {
            $value = [string[]]@($value)
        }
        $ordered[$property.Name] = $value
    }
    $object = [pscustomobject]$ordered
    $object.PSObject.TypeNames.Insert(0, $TypeName)
    $object
}
