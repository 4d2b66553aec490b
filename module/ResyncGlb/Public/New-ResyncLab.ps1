function New-ResyncLab {
    <#
    .SYNOPSIS
    Creates a lab DSS: a simulated Exchange directory synchronization server with MS Mail requestor postoffices.

    .DESCRIPTION
    Wraps 'resync-glb lab init'. The lab holds a registry store with the MSExchangeDX service key and
    the Exchange setup key, an Exchange install tree with Dxadata, Remote Dirsync Requestor objects
    (display name, common name and RDN), one MS Mail postoffice tree with a GLB folder per
    requestor, and a generated recipient list. Its DXA is a real separate process that behaves as
    KB Q150976 describes: on start it writes Resync.glb for the requestors it recognises and removes
    ResyncConnectionRDNs. The lab's service is started, so New-ResyncGlb can run against it at once.

    .PARAMETER Path
    The folder for the lab. It must not exist or be empty, unless -Force re-creates an existing lab.

    .PARAMETER Requestor
    Display names of the requestors to create. Default: two requestors.

    .PARAMETER RequestorSetting
    Export settings and sync numbers per requestor, as a hashtable of display name -> settings text
    'containers=A,B;trust=N;custom=yes|no;ahead=N;seq=IMP/REQ/SRV'. Default for every requestor: all
    containers, trust 100, custom recipients, the same numbers (so one run serves them all). The
    lab's own model; see docs/lab-glb-format.md in the repository.

    .PARAMETER Container
    The recipient containers the lab's recipients are spread over. Default Recipients, Sales, Engineering.

    .PARAMETER DxaVersion
    The file version the lab's DXA.EXE reports. Default 5.5.2653 (GlobalMaxSeqInResync needs 5.5.2524+, KB Q215505).

    .PARAMETER GlobalMaxSeqInResync
    Creates the lab's GlobalMaxSeqInResync (REG_DWORD) with this value. Default: absent.

    .PARAMETER Recipients
    How many recipients the lab's directory holds, spread over the postoffices. Default 200.

    .PARAMETER ComputerName
    The lab DSS's computer name as it appears in results. Default LABDSS.

    .PARAMETER StartMs
    How long the lab DXA takes to start, in milliseconds.

    .PARAMETER Force
    Re-create an existing lab at -Path, and do not ask for confirmation.

    .EXAMPLE
    New-ResyncLab -Path .\lab -Requestor PO1, PO2

    Creates a lab with two requestor postoffices and starts its DXA.

    .EXAMPLE
    New-ResyncLab -Path .\lab -Requestor PO1, PO2, PO3 -RequestorSetting @{ PO3 = 'containers=Sales;trust=50'; PO2 = 'ahead=25' }

    PO3 is configured differently (it needs a run of its own), and PO2's numbers are ahead of the
    others (a file for PO1 alone then fails its import with fatal error 14 unless -GlobalMaxSeq).

    .EXAMPLE
    New-ResyncLab -Path $env:TEMP\biglab -Recipients 100000 -StartMs 200 -Force

    Creates (or re-creates) a lab with 100,000 recipients and a quick-starting DXA.

    .OUTPUTS
    ResyncGlb.Lab. Path, ComputerName, Requestors (with their export settings and numbers),
    Containers, DxaVersion, GlobalMaxSeqInResync, Recipients, Dxadata, ServiceStatus.

    .LINK
    New-ResyncGlb

    .LINK
    about_ResyncGlb
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [OutputType('ResyncGlb.Lab')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('LabPath')]
        [string] $Path,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string[]] $Requestor,

        [hashtable] $RequestorSetting,

        [string[]] $Container,

        [string] $DxaVersion,

        [ValidateRange(0, 2147483647)]
        [int] $GlobalMaxSeqInResync = -1,

        [ValidateRange(1, 10000000)]
        [int] $Recipients = 200,

        [string] $ComputerName,

        [ValidateRange(0, 600000)]
        [int] $StartMs,

        [switch] $Force
    )

    process {
        $resolved = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $Path
        if (-not $PSCmdlet.ShouldProcess($resolved, 'Create a lab DSS and start its DXA')) { return }
        $parameters = @{ path = $resolved; recipients = $Recipients; force = [bool]$Force; start = $true }
        if ($Requestor) {
            if ($RequestorSetting) {
                $list = New-Object System.Collections.ArrayList
                foreach ($name in $Requestor) {
                    if ($RequestorSetting.ContainsKey($name)) { [void]$list.Add(@{ DisplayName = $name; Settings = [string]$RequestorSetting[$name] }) }
                    else { [void]$list.Add($name) }
                }
                $parameters.requestor = $list.ToArray()
            }
            else { $parameters.requestor = [string[]]$Requestor }
        }
        if ($Container) { $parameters.containers = [string[]]$Container }
        if ($DxaVersion) { $parameters.dxaVersion = $DxaVersion }
        if ($PSBoundParameters.ContainsKey('GlobalMaxSeqInResync')) { $parameters.globalMaxSeq = $GlobalMaxSeqInResync }
        if ($ComputerName) { $parameters.computerName = $ComputerName }
        if ($PSBoundParameters.ContainsKey('StartMs')) { $parameters.startMs = $StartMs }
        Invoke-ResyncBundle -Cmdlet $PSCmdlet -Command 'lab-init' -Parameters $parameters
    }
}
