/** The sidebar's line icons: one stroked SVG frame, different paths. Decorative (the buttons carry the names). */
function StrokeIcon({
  size,
  strokeWidth,
  children,
}: {
  size: 16 | 20;
  strokeWidth: number;
  children: React.ReactNode;
}) {
  return (
    <svg
      viewBox={`0 0 ${size} ${size}`}
      className={size === 16 ? "size-4" : "size-5"}
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
    >
      {children}
    </svg>
  );
}

export const PlusIcon = () => (
  <StrokeIcon size={16} strokeWidth={1.75}>
    <path d="M8 3v10M3 8h10" strokeLinecap="round" />
  </StrokeIcon>
);

export const CloseIcon = () => (
  <StrokeIcon size={16} strokeWidth={1.75}>
    <path d="M4 4l8 8M12 4l-8 8" strokeLinecap="round" />
  </StrokeIcon>
);

export const TrashIcon = () => (
  <StrokeIcon size={16} strokeWidth={1.5}>
    <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4M6.75 6.5v4.5M9.25 6.5v4.5" strokeLinejoin="round" />
  </StrokeIcon>
);

export const PanelIcon = () => (
  <StrokeIcon size={20} strokeWidth={1.5}>
    <rect x="2.75" y="3.75" width="14.5" height="12.5" rx="2" />
    <path d="M7.5 4v12" />
  </StrokeIcon>
);

export const MenuIcon = () => (
  <StrokeIcon size={20} strokeWidth={1.5}>
    <path d="M3 5.5h14M3 10h14M3 14.5h14" strokeLinecap="round" />
  </StrokeIcon>
);

export const PencilIcon = () => (
  <StrokeIcon size={16} strokeWidth={1.5}>
    <path d="M10.5 2.5l3 3L6 13H3v-3l7.5-7.5zM9 4l3 3" strokeLinejoin="round" />
  </StrokeIcon>
);

export const SearchIcon = () => (
  <StrokeIcon size={16} strokeWidth={1.5}>
    <circle cx="7" cy="7" r="4.25" />
    <path d="M10.25 10.25L13.5 13.5" strokeLinecap="round" />
  </StrokeIcon>
);
