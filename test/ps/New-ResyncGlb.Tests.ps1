#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# New-ResyncGlb end to end on a fresh lab DSS (a real lab DXA process), with WhatIf/Confirm/Force.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $root = Get-TestRoot
    Import-Module (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1') -Force
}

Describe 'New-ResyncGlb on a lab DSS' {
    BeforeEach {
        $lab = New-TestLab
    }
    AfterEach {
        Remove-TestLab -Path $lab
    }

    It 'returns one ResyncGlb.Result with the file, its hash, the value gone and the service running' {
        $r = New-ResyncGlb -LabPath $lab -Requestor PO1, PO2 -Force
        @($r).Count | Should -Be 1
        $r.PSObject.TypeNames[0] | Should -Be 'ResyncGlb.Result'
        $r.Requestor | Should -Be @('PO1', 'PO2')
        Test-Path -LiteralPath $r.Path | Should -BeTrue
        $r.Length | Should -Be (Get-Item -LiteralPath $r.Path).Length
        $r.Sha256 | Should -BeExactly (Get-FileHash -LiteralPath $r.Path -Algorithm SHA256).Hash
        $r.ValueRemoved | Should -BeTrue
        $r.ServiceStatus | Should -Be 'Running'
        $r.Duration | Should -BeOfType [timespan]
        $r.LastWriteTimeUtc | Should -BeOfType [datetime]
        Get-TestLabValue -Path $lab | Should -BeNullOrEmpty
    }

    It '-WhatIf prints each change and leaves the lab byte-identical' {
        $before = Get-TestLabSnapshot -Path $lab
        $out = New-ResyncGlb -LabPath $lab -Requestor PO1 -WhatIf 6>&1
        $out | Should -BeNullOrEmpty -Because 'WhatIf writes no output objects'
        Get-TestLabSnapshot -Path $lab | Should -BeExactly $before
    }

    It '-Confirm:$false runs without a prompt; -Force alone too' {
        (New-ResyncGlb -LabPath $lab -Requestor PO1 -Confirm:$false).ValueRemoved | Should -BeTrue
        (New-ResyncGlb -LabPath $lab -Requestor PO2 -Force).ValueRemoved | Should -BeTrue
    }

    It 'reports progress and completes every progress activity it opens' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1')).AddStatement()
            $null = $ps.AddCommand('New-ResyncGlb').AddParameter('LabPath', $lab).AddParameter('Requestor', @('PO1')).AddParameter('Force', $true)
            $out = @($ps.Invoke())
            $ps.Streams.Error | Should -BeNullOrEmpty
            @($out).Count | Should -Be 1
            $records = @($ps.Streams.Progress)
        }
        finally { $ps.Dispose() }
        $records.Count | Should -BeGreaterThan 0
        $last = @{}
        foreach ($p in $records) { $last[$p.ActivityId] = $p }
        @($last.Values | Where-Object { $_.RecordType -ne 'Completed' } | ForEach-Object { "[$($_.ActivityId)] $($_.Activity): $($_.StatusDescription)" }) |
            Should -BeNullOrEmpty -Because 'every activity opened must end with a Completed record'
    }

    It 'without -Force a console asks once (ConfirmImpact High): No changes nothing, Yes runs' {
        # A real console host: a fresh pwsh whose prompts read the answer from its redirected stdin.
        $script = Join-Path $lab 'confirm.ps1'
        Set-Content -LiteralPath $script -Value @(
            'param([string] $Manifest, [string] $Lab)'
            'Import-Module $Manifest'
            '$r = New-ResyncGlb -LabPath $Lab -Requestor PO1'
            '"RESULTS=$(@($r).Count)"'
        )
        $before = Get-TestLabSnapshot -Path $lab
        $no = 'N' | & (Get-TestPwshPath) -NoProfile -File $script -Manifest (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1') -Lab $lab 2>&1
        ($no -join "`n") | Should -Match 'Are you sure you want to perform this action\?'
        ($no -join "`n") | Should -Match 'RESULTS=0'
        Get-TestLabSnapshot -Path $lab | Should -BeExactly $before
        $yes = 'Y' | & (Get-TestPwshPath) -NoProfile -File $script -Manifest (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1') -Lab $lab 2>&1
        @($yes | Where-Object { "$_" -match 'Are you sure' }).Count | Should -Be 1
        ($yes -join "`n") | Should -Match 'RESULTS=1'
        Get-TestLabValue -Path $lab | Should -BeNullOrEmpty
    }

    It '-WhatIf writes What if: lines to the host' {
        $script = Join-Path $lab 'whatif.ps1'
        Set-Content -LiteralPath $script -Value @('param([string] $Manifest, [string] $Lab)', 'Import-Module $Manifest', 'New-ResyncGlb -LabPath $Lab -Requestor PO1 -WhatIf')
        $out = & (Get-TestPwshPath) -NoProfile -NonInteractive -File $script -Manifest (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1') -Lab $lab 2>&1
        @($out | Where-Object { "$_" -like 'What if:*' }).Count | Should -BeGreaterThan 0
    }

    It 'declares ConfirmImpact High so a default session asks first' {
        $meta = [System.Management.Automation.CommandMetadata]::new((Get-Command New-ResyncGlb))
        $meta.ConfirmImpact | Should -Be 'High'
        $meta.SupportsShouldProcess | Should -BeTrue
    }

    It 'refuses a pending value without -Force (ValuePending) and changes nothing' {
        $null = Invoke-TestCli -Arguments @('lab', 'fault', $lab, '--pending-value', 'OLDPO')
        $before = Get-TestLabSnapshot -Path $lab
        { New-ResyncGlb -LabPath $lab -Requestor PO1 -Confirm:$false } | Should -Throw -ErrorId 'ResyncGlb.ValuePending,New-ResyncGlb'
        Get-TestLabSnapshot -Path $lab | Should -BeExactly $before
    }

    It 'reports invalid names as ResyncGlb.InvalidRequestor with category InvalidArgument' {
        $err = $null
        try { New-ResyncGlb -LabPath $lab -Requestor 'ok', '', "a`nb" -Force } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.InvalidRequestor,New-ResyncGlb'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'line break'
    }

    It 'an unknown lab path is ResyncGlb.LabNotFound' {
        { New-ResyncGlb -LabPath (Join-Path $lab 'nope') -Requestor PO1 -Force } | Should -Throw -ErrorId 'ResyncGlb.LabNotFound,New-ResyncGlb'
    }

    It 'binds Requestor and LabPath from the pipeline by property name' {
        $out = @([pscustomobject]@{ Name = 'PO1'; LabPath = $lab }, [pscustomobject]@{ Name = 'PO2'; LabPath = $lab } | New-ResyncGlb -Force 4>&1)
        @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty -Because 'no -Verbose was given'
        $r = @($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        @($r).Count | Should -Be 1
        $r.Requestor | Should -Be @('PO1', 'PO2')
    }

    It '-Verbose narrates each step' {
        $verbose = New-ResyncGlb -LabPath $lab -Requestor PO1 -Force -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'Wrote ResyncConnectionRDNs'
        ($verbose.Message -join "`n") | Should -Match 'Moved Resync.glb'
    }

    It 'an unrecognised requestor is ResyncGlb.RequestorNotRecognised, value removed, service running' {
        { New-ResyncGlb -LabPath $lab -Requestor 'NO SUCH PO' -RecognitionTimeoutSec 2 -Force } | Should -Throw -ErrorId 'ResyncGlb.RequestorNotRecognised,New-ResyncGlb'
        Get-TestLabValue -Path $lab | Should -BeNullOrEmpty
        ((Invoke-TestCli -Arguments @('lab', 'status', $lab, '--json')).Output | ConvertFrom-Json).Status | Should -Be 'Running'
    }

    It 'tab-completes -Requestor from the lab' {
        $line = "New-ResyncGlb -LabPath '$lab' -Requestor P"
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.ListItemText | Should -Contain 'PO1'
    }
}
