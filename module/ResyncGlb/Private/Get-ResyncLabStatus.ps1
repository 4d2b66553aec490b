function Get-ResyncLabStatus {
    <#
    .SYNOPSIS
    Builds the ResyncGlb.LabStatus object of one lab (Get-ResyncLab, and -PassThru of Start-/Stop-ResyncLab):
    its service state and its requestors. Returns [pscustomobject]@{ Output; Error }.
    .DESCRIPTION
    $Service is what 'lab status', 'lab start' or 'lab stop' returned (ResyncGlb.LabService); without
    it, 'lab status' is run. The requestors come from 'lab requestors' (ResyncGlb.LabRequestor).
    The engine's Status is ServiceStatus here, as on New-ResyncLab's ResyncGlb.Lab: $null when the
    lab has no MSExchangeDX service key (a lab made with --no-service).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $Path,
        [object] $Service
    )
    if ($null -eq $Service) {
        $status = Invoke-ResyncLabCommand -Cmdlet $Cmdlet -Command 'status' -Path $Path
        if ($status.Error) { return [pscustomobject]@{ Output = $null; Error = $status.Error } }
        $Service = $status.Data
    }
    $listed = Invoke-ResyncLabCommand -Cmdlet $Cmdlet -Command 'requestors' -Path $Path
    if ($listed.Error) { return [pscustomobject]@{ Output = $null; Error = $listed.Error } }
    $requestors = @(foreach ($r in $listed.Data) { ConvertTo-ResyncOutput -TypeName 'ResyncGlb.LabRequestor' -Data $r })

    $since = Get-ResyncProperty $Service 'Since'
    if ($null -ne $since -and $since -isnot [datetime]) {
        $since = [datetime]::Parse([string]$since, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]'AdjustToUniversal, AssumeUniversal')
    }
    elseif ($since -is [datetime]) {
        $since = $since.ToUniversalTime()
    }
    $faults = Get-ResyncProperty $Service 'Faults'
    if ($null -eq $faults) { $faults = [pscustomobject]@{} }
    $output = [pscustomobject][ordered]@{
        Path          = [string](Get-ResyncProperty $Service 'Path' $Path)
        ComputerName  = [string](Get-ResyncProperty $Service 'ComputerName')
        ServiceName   = [string](Get-ResyncProperty $Service 'Name')
        ServiceStatus = Get-ResyncProperty $Service 'Status'
        Pid           = Get-ResyncProperty $Service 'Pid'
        Since         = $since
        LastError     = Get-ResyncProperty $Service 'LastError'
        RestartOwed   = [bool](Get-ResyncProperty $Service 'RestartOwed' $false)
        Faults        = $faults
        Requestors    = $requestors
    }
    $output.PSObject.TypeNames.Insert(0, 'ResyncGlb.LabStatus')
    [pscustomobject]@{ Output = $output; Error = $null }
}
