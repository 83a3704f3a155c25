# Marks the previous certificate as renewed by the new one and raises the certificate lifecycle
# "replace" notification (event 1001), which IIS automatic rebind listens for. The mark is the
# CERT_RENEWAL_PROP_ID property (64) on the previous certificate, holding the SHA-1 hash of the
# new one. Windows only: the property and the notification exist only in the Windows store.
#
# Request: { location, storeName, previousThumbprint, thumbprint }
# Result:  { ok, linked, reason }
. (Join-Path $PSScriptRoot 'store-common.ps1')

# crypt32 access to the renewal property. C# 5 syntax, because Windows PowerShell 5.1 compiles
# Add-Type sources with the .NET Framework compiler.
$script:RenewalPropertySource = @'
using System;
using System.ComponentModel;
using System.Runtime.InteropServices;

public static class KvcertRenewalProperty
{
    private const uint CertRenewalPropId = 64;
    private const int CryptENotFound = unchecked((int)0x80092004);

    [StructLayout(LayoutKind.Sequential)]
    private struct CryptDataBlob
    {
        public int cbData;
        public IntPtr pbData;
    }

    [DllImport("crypt32.dll", SetLastError = true)]
    private static extern bool CertGetCertificateContextProperty(IntPtr context, uint propId, byte[] data, ref uint size);

    [DllImport("crypt32.dll", SetLastError = true)]
    private static extern bool CertSetCertificateContextProperty(IntPtr context, uint propId, uint flags, ref CryptDataBlob data);

    public static byte[] Get(IntPtr context)
    {
        uint size = 0;
        if (!CertGetCertificateContextProperty(context, CertRenewalPropId, null, ref size))
        {
            int error = Marshal.GetLastWin32Error();
            if (error == CryptENotFound) { return null; }
            throw new Win32Exception(error);
        }
        byte[] data = new byte[size];
        if (!CertGetCertificateContextProperty(context, CertRenewalPropId, data, ref size))
        {
            throw new Win32Exception(Marshal.GetLastWin32Error());
        }
        return data;
    }

    public static void Set(IntPtr context, byte[] newCertificateHash)
    {
        CryptDataBlob blob = new CryptDataBlob();
        blob.cbData = newCertificateHash.Length;
        blob.pbData = Marshal.AllocHGlobal(newCertificateHash.Length);
        try
        {
            Marshal.Copy(newCertificateHash, 0, blob.pbData, newCertificateHash.Length);
            if (!CertSetCertificateContextProperty(context, CertRenewalPropId, 0, ref blob))
            {
                throw new Win32Exception(Marshal.GetLastWin32Error());
            }
        }
        finally
        {
            Marshal.FreeHGlobal(blob.pbData);
        }
    }
}
'@

# NOTE: Windows only and not executed on this project's Linux CI; only the workflow in
# .github/workflows/windows.yml runs it, so Switch-Certificate and the crypt32 calls are unproven here.
function Set-RenewalLink($Request) {
    if (-not (Test-IsWindows)) {
        throw (New-StoreFailure $script:ExitCode.InvalidRequest 'renewals can only be linked in the Windows certificate store')
    }
    Assert-RequestField $Request @('location', 'storeName', 'previousThumbprint', 'thumbprint')
    $location = Get-StoreLocation $Request.location
    $previous = Assert-Thumbprint $Request.previousThumbprint
    $thumbprint = Assert-Thumbprint $Request.thumbprint
    if ($previous -eq $thumbprint) { return @{ linked = $false; reason = 'the previous and the new certificate are the same' } }

    $certificates = Get-LinkCertificate $Request.storeName $location $previous $thumbprint
    if ($null -eq $certificates) { return @{ linked = $false; reason = "previous certificate $previous is not in store $($Request.storeName)" } }

    Switch-RenewedCertificate $Request.location $Request.storeName $previous $thumbprint
    Confirm-RenewalProperty $Request.storeName $location $previous $certificates.New.GetCertHash()
    return @{ linked = $true; reason = $null }
}

# Returns the previous and the new certificate, or $null when the previous one is gone.
function Get-LinkCertificate([string]$StoreName, $Location, [string]$Previous, [string]$Thumbprint) {
    $store = Open-Store $StoreName $Location 'ReadOnly'
    try {
        $new = Find-Certificate $store $Thumbprint
        if ($null -eq $new) { throw (New-StoreFailure $script:ExitCode.Link "certificate $Thumbprint is not in store $StoreName") }
        $old = Find-Certificate $store $Previous
        if ($null -eq $old) { return $null }
        return @{ Old = $old; New = $new }
    }
    finally { $store.Close() }
}

# Switch-Certificate (PKI module, Windows 8 and Windows Server 2012 or later) sets the renewal
# property and raises the replace notification, as its documentation states. Setting the property
# through crypt32 alone is not known to raise the notification, so the cmdlet is required.
function Switch-RenewedCertificate([string]$LocationName, [string]$StoreName, [string]$Previous, [string]$Thumbprint) {
    try { Import-Module PKI -WarningAction SilentlyContinue }
    catch {
        $reason = $_.Exception.GetBaseException().Message
        throw (New-StoreFailure $script:ExitCode.Link "the PKI module with Switch-Certificate cannot be loaded: $reason")
    }
    $oldPath = Get-StoreEntryPath $LocationName $StoreName $Previous
    $newPath = Get-StoreEntryPath $LocationName $StoreName $Thumbprint
    Switch-Certificate -OldCert $oldPath -NewCert $newPath -Confirm:$false -WarningAction SilentlyContinue | Out-Null
}

# Reads the property back through a fresh store handle and writes it when Switch-Certificate left
# it unset; the context must come from the opened store for the property to persist.
function Confirm-RenewalProperty([string]$StoreName, $Location, [string]$Previous, [byte[]]$NewHash) {
    if (-not ('KvcertRenewalProperty' -as [type])) { Add-Type -TypeDefinition $script:RenewalPropertySource -Language CSharp }
    $store = Open-Store $StoreName $Location 'ReadWrite'
    try {
        $old = Find-Certificate $store $Previous
        if (Test-SameBytes ([KvcertRenewalProperty]::Get($old.Handle)) $NewHash) { return }
        [KvcertRenewalProperty]::Set($old.Handle, $NewHash)
        if (-not (Test-SameBytes ([KvcertRenewalProperty]::Get($old.Handle)) $NewHash)) {
            throw (New-StoreFailure $script:ExitCode.Link "the renewal property of $Previous did not keep the new certificate's hash")
        }
    }
    finally { $store.Close() }
}

function Test-SameBytes([byte[]]$Left, [byte[]]$Right) {
    if ($null -eq $Left -or $null -eq $Right) { return $false }
    return [Convert]::ToBase64String($Left) -eq [Convert]::ToBase64String($Right)
}

Invoke-StoreRequest ${function:Set-RenewalLink} $script:ExitCode.Link
